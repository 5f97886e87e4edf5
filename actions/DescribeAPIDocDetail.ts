/**
 * DescribeAPIDocDetail (查询 API 文档详情): a document with its page's address (ApiDocUri:
 * `http://<gateway host>:<gateway port>/__apidoc/<ApiDocId>`), share password, view and build
 * counts, and the service, environment and APIs it documents. UpdateTime (the document's name)
 * and UpdatedTime (the SDK's) carry the same value.
 */
import { defineAction } from "../src/control/action.js";
import { apiDocInfo, apiDocs } from "../src/resources/apiDocs.js";
import * as schema from "../schema/apiDocs.js";

export default defineAction({
  name: "DescribeAPIDocDetail",
  input: schema.DescribeAPIDocDetail,
  async handler(input, ctx) {
    const doc = await apiDocs.get(ctx.db, ctx.scope, input.ApiDocId);
    return { Result: apiDocInfo(doc, ctx.config) };
  },
});
