/**
 * DescribeServiceSubDomains (查询自定义域名列表): the custom domains bound to a service, oldest
 * first, paged by Limit (default 20, at most 100) and Offset. Status is always 1 and
 * RegistrationStatus true: neither DNS resolution nor ICP registration is checked locally.
 */
import { defineAction } from "../src/control/action.js";
import { domainSetEntry, serviceDomains, serviceOrFail } from "../src/resources/subDomains.js";
import * as schema from "../schema/subDomains.js";

export default defineAction({
  name: "DescribeServiceSubDomains",
  input: schema.DescribeServiceSubDomains,
  async handler(input, ctx) {
    const service = await serviceOrFail(ctx.db, ctx.scope, input.ServiceId, "ResourceNotFound.InvalidService");
    const all = await serviceDomains(ctx.db, ctx.scope, service.ServiceId);
    const offset = input.Offset ?? 0;
    const page = all.slice(offset, offset + (input.Limit ?? 20));
    return { Result: { TotalCount: all.length, DomainSet: page.map(domainSetEntry) } };
  },
});
