/**
 * ResetAPIDocPassword (重置API文档密码): gives the document a new generated 8-character share
 * password; the old one stops opening the page at once. The new password is read with
 * DescribeAPIDocDetail (SharePassword).
 */
import { defineAction } from "../src/control/action.js";
import { apiDocs, apiDocSummary, newSharePassword } from "../src/resources/apiDocs.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/apiDocs.js";

export default defineAction({
  name: "ResetAPIDocPassword",
  input: schema.ResetAPIDocPassword,
  async handler(input, ctx) {
    const doc = await apiDocs.get(ctx.db, ctx.scope, input.ApiDocId);
    let password = newSharePassword();
    while (password === doc.SharePassword) password = newSharePassword();
    const next = { ...doc, SharePassword: password, UpdateTime: isoTime(ctx.now) };
    await apiDocs.update(ctx.db, ctx.scope, doc.ApiDocId, next);
    return { Result: apiDocSummary(next) };
  },
});
