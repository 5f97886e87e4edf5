/**
 * DescribeApiKeysStatus (查询密钥列表): the account's key pairs in this region, newest first,
 * without their secrets (AccessKeySecret is ""). Filters: AccessKeyId, AccessKeySecret (exact),
 * SecretName (substring), NotUsagePlanId (keys not bound to that plan), Status (0 or 1),
 * KeyWord (substring of the name or the AccessKeyId; the document's "name or path").
 */
import { defineAction } from "../src/control/action.js";
import { applyFilters, fuzzy, paginate } from "../src/control/listing.js";
import { apiKeys, apiKeyView } from "../src/resources/apiKeys.js";
import { plansOfKeys } from "../src/resources/usagePlans.js";
import * as schema from "../schema/apiKeys.js";

export default defineAction({
  name: "DescribeApiKeysStatus",
  input: schema.DescribeApiKeysStatus,
  async handler(input, ctx) {
    const all = await apiKeys.list(ctx.db, ctx.scope);
    const plans = await plansOfKeys(ctx.db, ctx.scope, all.map((k) => k.AccessKeyId));
    const matched = applyFilters(all, input.Filters, {
      AccessKeyId: (k, v) => k.AccessKeyId === v,
      AccessKeySecret: (k, v) => k.AccessKeySecret === v,
      SecretName: (k, v) => fuzzy(k.SecretName, v),
      NotUsagePlanId: (k, v) => !plans.get(k.AccessKeyId)!.includes(v),
      Status: (k, v) => String(k.Status) === v.trim(),
      KeyWord: (k, v) => fuzzy(k.SecretName, v) || fuzzy(k.AccessKeyId, v),
    });
    const page = paginate(matched.reverse(), input.Limit, input.Offset);
    return { Result: { TotalCount: page.TotalCount, ApiKeySet: page.items.map((k) => apiKeyView(k, false)) } };
  },
});
