/**
 * ModifyAPIDoc (修改 API 文档): changes a document's name, service, environment or APIs and
 * builds its page again (ReleaseCount + 1), with the checks of CreateAPIDoc. A new ServiceId
 * needs ApiIds of that service. The password and the view count are kept.
 */
import { defineAction } from "../src/control/action.js";
import { apiDocs, apiDocSummary, buildApiDoc, saveApiDoc } from "../src/resources/apiDocs.js";
import * as schema from "../schema/apiDocs.js";

export default defineAction({
  name: "ModifyAPIDoc",
  input: schema.ModifyAPIDoc,
  async handler(input, ctx) {
    const doc = await apiDocs.get(ctx.db, ctx.scope, input.ApiDocId);
    const changed = {
      ...doc,
      ApiDocName: input.ApiDocName ?? doc.ApiDocName,
      ServiceId: input.ServiceId ?? doc.ServiceId,
      Environment: input.Environment ?? doc.Environment,
      ApiIds: input.ApiIds ? [...new Set(input.ApiIds)] : doc.ApiIds,
    };
    const built = await buildApiDoc(ctx.db, ctx.scope, ctx.config, changed, ctx.now);
    await saveApiDoc(ctx.db, ctx.scope, built);
    return { Result: apiDocSummary(built) };
  },
});
