/**
 * DescribeApi (查询API详情): an API's full definition as the document's ApiInfo (plus the SDK's
 * names where they differ), with `Environments`: the environments whose online release
 * contains it. The definition shown is the draft, which may differ from what is published.
 */
import { defineAction } from "../src/control/action.js";
import { apiInfo, getServiceApi } from "../src/resources/apis.js";
import { apiEnvironments } from "../src/resources/releases.js";
import { services } from "../src/resources/services.js";
import * as schema from "../schema/apis.js";

export default defineAction({
  name: "DescribeApi",
  input: schema.DescribeApi,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    const api = await getServiceApi(ctx.db, ctx.scope, service.ServiceId, input.ApiId);
    const environments = (await apiEnvironments(ctx.db, ctx.scope, service.ServiceId)).get(api.ApiId) ?? [];
    return { Result: apiInfo(api, service, environments) };
  },
});
