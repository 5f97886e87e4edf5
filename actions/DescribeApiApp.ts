/**
 * DescribeApiApp (搜索应用): searches the account's applications by ApiAppId. The answer is
 * the document's ApiAppInfos: one entry, or TotalCount 0 when there is no such application
 * (a search, with no not-found code on the page). The SDK has no method for it:
 * `client.request("DescribeApiApp", {ApiAppId})`.
 */
import { defineAction } from "../src/control/action.js";
import { apiAppInfo, apiApps, appScope } from "../src/resources/apiApps.js";
import * as schema from "../schema/apiApps.js";

export default defineAction({
  name: "DescribeApiApp",
  input: schema.DescribeApiApp,
  async handler(input, ctx) {
    const app = await apiApps.find(ctx.db, appScope(ctx.scope), input.ApiAppId);
    return { Result: { TotalCount: app ? 1 : 0, ApiAppSet: app ? [apiAppInfo(app)] : [] } };
  },
});
