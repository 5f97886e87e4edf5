/**
 * DeleteAPIDoc (删除 API 文档): deletes a document; its page stops being served at once. An
 * unknown document answers ResourceNotFound (the code this page lists).
 */
import { defineAction } from "../src/control/action.js";
import { errors } from "../src/control/errors.js";
import { apiDocs, deleteApiDoc } from "../src/resources/apiDocs.js";
import * as schema from "../schema/apiDocs.js";

export default defineAction({
  name: "DeleteAPIDoc",
  input: schema.DeleteAPIDoc,
  async handler(input, ctx) {
    const doc = await apiDocs.find(ctx.db, ctx.scope, input.ApiDocId);
    if (!doc) throw errors.notFound("ResourceNotFound", "API document", input.ApiDocId);
    await deleteApiDoc(ctx.db, ctx.scope, doc.ApiDocId);
    return { Result: true };
  },
});
