/**
 * DescribeLogSearch (日志搜索服务): searches the gateway's access logs of one service of the
 * caller's account and region, between StartTime and EndTime (inclusive), newest first unless
 * Sort is asc. LogSet lines use the documented log_format (DATAPLANE §9.1); LogSet is an array
 * of lines, as the SDK types it. Decisions where the page is silent:
 * - Times: `YYYY-MM-DD hh:mm:ss` is read as UTC (every time this API answers is UTC); ISO 8601
 *   with a zone and Unix seconds are accepted too. StartTime after EndTime: InvalidParameterValue.
 * - LogQuerys (all must hold): req_id, api_id, cip, uip, err_msg with `=`, `!=`, `:` (contains);
 *   rsp_st and req_t (seconds, as the line shows them) with `=`, `!=`, `:`, `>`, `<`, `>=`, `<=`.
 *   That covers the document's list and the SDK's (which adds `:` on uip and err_msg).
 * - ConText continues the search it came from (its sort included); " " (one space) means no
 *   more results, as documented; at most 10,000 records are paged through.
 * - TotalCount is the number of lines in this answer (document: TotalCount <= Limit).
 * - The service need not exist any more: logs outlive it until retention removes them.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { parseLogTime, searchAccessLogs } from "../src/resources/accessLogs.js";
import * as schema from "../schema/logs.js";

export default defineAction({
  name: "DescribeLogSearch",
  input: schema.DescribeLogSearch,
  async handler(input, ctx) {
    const start = parseLogTime(input.StartTime, "StartTime");
    const end = parseLogTime(input.EndTime, "EndTime");
    if (start > end) throw new ApiError("InvalidParameterValue", "The value of parameter `StartTime` is invalid: it is after `EndTime`.");
    const { lines, conText } = await searchAccessLogs(ctx.db, ctx.scope, {
      serviceId: input.ServiceId,
      // A whole-second EndTime covers that second.
      start,
      end: end % 1000 === 0 ? end + 999 : end,
      queries: input.LogQuerys ?? [],
      limit: input.Limit ?? 20,
      sort: input.Sort ?? "desc",
      conText: input.ConText,
    });
    return { ConText: conText, LogSet: lines, TotalCount: lines.length };
  },
});
