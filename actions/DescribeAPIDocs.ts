/**
 * DescribeAPIDocs (查询 API 文档列表): the account's documents in this region, newest first (the
 * page's default order: creation time, descending), paged by Limit (default 20, at most 100)
 * and Offset. Filters, Order and OrderBy are reserved by the page and ignored.
 */
import { defineAction } from "../src/control/action.js";
import { apiDocs, apiDocSummary } from "../src/resources/apiDocs.js";
import * as schema from "../schema/apiDocs.js";

export default defineAction({
  name: "DescribeAPIDocs",
  input: schema.DescribeAPIDocs,
  async handler(input, ctx) {
    const all = (await apiDocs.list(ctx.db, ctx.scope)).reverse(); // list() is oldest first
    const offset = input.Offset ?? 0;
    const page = all.slice(offset, offset + (input.Limit ?? 20));
    return { Result: { TotalCount: all.length, APIDocSet: page.map(apiDocSummary) } };
  },
});
