/** DescribeUsagePlanSecretIds (查询使用计划绑定密钥列表): the keys bound to a plan, in binding order, paged. */
import { defineAction } from "../src/control/action.js";
import { paginate } from "../src/control/listing.js";
import { apiKeys } from "../src/resources/apiKeys.js";
import { keysOfPlan, usagePlans } from "../src/resources/usagePlans.js";
import * as schema from "../schema/usagePlans.js";

export default defineAction({
  name: "DescribeUsagePlanSecretIds",
  input: schema.DescribeUsagePlanSecretIds,
  async handler(input, ctx) {
    const plan = await usagePlans.get(ctx.db, ctx.scope, input.UsagePlanId);
    const page = paginate(await keysOfPlan(ctx.db, ctx.scope, plan.UsagePlanId), input.Limit, input.Offset);
    const AccessKeyList = [];
    for (const id of page.items) {
      const key = await apiKeys.find(ctx.db, ctx.scope, id);
      if (key) AccessKeyList.push({ AccessKeyId: key.AccessKeyId, SecretName: key.SecretName, Status: key.Status });
    }
    return { Result: { TotalCount: page.TotalCount, AccessKeyList } };
  },
});
