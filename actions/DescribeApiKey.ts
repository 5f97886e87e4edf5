/** DescribeApiKey (查询密钥详情): one key pair, secret (AccessKeySecret) included. */
import { defineAction } from "../src/control/action.js";
import { apiKeys, apiKeyView } from "../src/resources/apiKeys.js";
import * as schema from "../schema/apiKeys.js";

export default defineAction({
  name: "DescribeApiKey",
  input: schema.DescribeApiKey,
  async handler(input, ctx) {
    return { Result: apiKeyView(await apiKeys.get(ctx.db, ctx.scope, input.AccessKeyId)) };
  },
});
