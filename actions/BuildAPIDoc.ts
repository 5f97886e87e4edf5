/**
 * BuildAPIDoc (构建 API 文档): builds the document's page again from what its environment
 * serves now (e.g. after a new release); ReleaseCount + 1. The checks of CreateAPIDoc apply:
 * ResourceNotFound.InvalidService, FailedOperation.ServiceError (environment not published),
 * ResourceNotFound.InvalidApi / FailedOperation.ApiError (an API missing from the release).
 */
import { defineAction } from "../src/control/action.js";
import { apiDocs, buildApiDoc } from "../src/resources/apiDocs.js";
import * as schema from "../schema/apiDocs.js";

export default defineAction({
  name: "BuildAPIDoc",
  input: schema.BuildAPIDoc,
  async handler(input, ctx) {
    const doc = await apiDocs.get(ctx.db, ctx.scope, input.ApiDocId);
    const built = await buildApiDoc(ctx.db, ctx.scope, ctx.config, doc, ctx.now);
    await apiDocs.update(ctx.db, ctx.scope, built.ApiDocId, built);
    return { Result: true };
  },
});
