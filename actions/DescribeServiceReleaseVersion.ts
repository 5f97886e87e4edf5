/**
 * DescribeServiceReleaseVersion (查询服务已发布的版本): every version ReleaseService created for
 * the service, newest first, with its description and release time. Paged.
 */
import { defineAction } from "../src/control/action.js";
import { paginate } from "../src/control/listing.js";
import { serviceReleases } from "../src/resources/releases.js";
import { services } from "../src/resources/services.js";
import * as schema from "../schema/apis.js";

export default defineAction({
  name: "DescribeServiceReleaseVersion",
  input: schema.DescribeServiceReleaseVersion,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    const versions = (await serviceReleases(ctx.db, ctx.scope, service.ServiceId)).map((r) => ({
      VersionName: r.VersionName,
      VersionDesc: r.VersionDesc,
      ReleaseTime: r.CreatedTime,
    }));
    const page = paginate(versions, input.Limit, input.Offset);
    return { Result: { TotalCount: page.TotalCount, VersionList: page.items } };
  },
});
