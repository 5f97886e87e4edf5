/**
 * DescribeServiceEnvironmentReleaseHistory (查询服务环境的发布历史): every release to one
 * environment of the service, newest first: ReleaseService and UpdateService switches, each
 * with its version, description and time. Paged.
 */
import { defineAction } from "../src/control/action.js";
import { paginate } from "../src/control/listing.js";
import { environmentHistory } from "../src/resources/releases.js";
import { services } from "../src/resources/services.js";
import * as schema from "../schema/apis.js";

export default defineAction({
  name: "DescribeServiceEnvironmentReleaseHistory",
  input: schema.DescribeServiceEnvironmentReleaseHistory,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    const history = await environmentHistory(ctx.db, ctx.scope, service.ServiceId, input.EnvironmentName);
    const page = paginate(history, input.Limit, input.Offset);
    return { Result: { TotalCount: page.TotalCount, VersionList: page.items } };
  },
});
