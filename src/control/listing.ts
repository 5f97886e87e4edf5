/**
 * The shared shape of Describe*Status actions: documented Filters (Name + Values, values of
 * one filter OR-ed, filters AND-ed), then Offset/Limit paging over the result.
 */
import { ApiError } from "./errors.js";

export interface Filter {
  Name: string;
  Values: string[];
}

/** For each supported filter name, whether an item matches one of the values. */
export type FilterMatchers<T> = Record<string, (item: T, value: string) => boolean>;

export function applyFilters<T>(items: T[], filters: Filter[] | undefined, matchers: FilterMatchers<T>): T[] {
  if (!filters?.length) return items;
  filters.forEach((f, i) => {
    if (!matchers[f.Name]) {
      throw new ApiError(
        "InvalidParameterValue.InvalidFilterNotSupportedName",
        `Filters.${i}.Name \`${f.Name}\` is not supported. Supported: ${Object.keys(matchers).join(", ")}.`,
      );
    }
  });
  return items.filter((item) => filters.every((f) => f.Values.length === 0 || f.Values.some((v) => matchers[f.Name]!(item, v))));
}

export interface Page<T> {
  TotalCount: number;
  items: T[];
}

export function paginate<T>(items: T[], limit = 20, offset = 0): Page<T> {
  return { TotalCount: items.length, items: items.slice(offset, offset + limit) };
}

/** Case-insensitive substring match, as the console's name search does. */
export const fuzzy = (text: string | undefined, value: string) => (text ?? "").toLowerCase().includes(value.toLowerCase());
