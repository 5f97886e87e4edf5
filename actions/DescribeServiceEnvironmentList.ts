/**
 * DescribeServiceEnvironmentList (查询服务环境列表): the service's three environments (test,
 * prepub, release), each with its access URL (the default domain, the public one when the
 * service has it, then `/<env>`), Status 1 when published or 0, and the running version
 * ("" when not published). CreateTime (SDK only) is when the environment last changed.
 */
import { defineAction } from "../src/control/action.js";
import { paginate } from "../src/control/listing.js";
import { ENVIRONMENTS, environmentStates } from "../src/resources/environments.js";
import { services } from "../src/resources/services.js";
import * as schema from "../schema/apis.js";

export default defineAction({
  name: "DescribeServiceEnvironmentList",
  input: schema.DescribeServiceEnvironmentList,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    const states = await environmentStates(ctx.db, ctx.scope, service.ServiceId);
    const domain = service.NetTypes.includes("OUTER") ? service.OuterSubDomain : service.InnerSubDomain;
    const environments = ENVIRONMENTS.map((name) => {
      const state = states.find((s) => s.environment === name);
      return {
        EnvironmentName: name,
        Url: `${domain}/${name}`,
        Status: state?.online ? 1 : 0,
        VersionName: state?.online ? state.versionName : "",
        CreateTime: state?.updatedAt ?? "",
      };
    });
    const page = paginate(environments, input.Limit, input.Offset);
    return { Result: { TotalCount: page.TotalCount, EnvironmentList: page.items } };
  },
});
