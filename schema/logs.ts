/**
 * Input of DescribeLogSearch: the generated schema plus the document's prose rules.
 * - Limit: 1–100 (default 20).
 * - Sort: asc or desc (default desc).
 * - StartTime / EndTime and LogQuerys are checked by the handler (src/resources/accessLogs.ts):
 *   their errors answer InvalidParameterValue with what was wrong.
 * Filters and Query are reserved ("保留字段"): accepted, ignored.
 */
import * as g from "./generated.js";
import { Limit, oneOf } from "./common.js";

export const DescribeLogSearch = g.DescribeLogSearchRequest.extend({
  Limit: Limit.optional(),
  Sort: oneOf(["asc", "desc"]).optional(),
});
