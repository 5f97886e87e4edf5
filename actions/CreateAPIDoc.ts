/**
 * CreateAPIDoc (创建 API 文档): creates an API document for APIs of one service environment and
 * builds its page at once from the environment's published snapshot (so the answer says
 * COMPLETED, and ReleaseCount starts at 1). The page is served at ApiDocUri
 * (`<gateway>/__apidoc/<ApiDocId>`, see DescribeAPIDocDetail) behind a generated 8-character
 * SharePassword. Decisions where the page is silent:
 * - The environment must be published (FailedOperation.ServiceError) and contain every API
 *   (FailedOperation.ApiError; ResourceNotFound.InvalidApi for an API the service does not have).
 * - At most 100 documents per account and region (APIGW_LIMIT_API_DOCS):
 *   LimitExceeded.APIDocLimitExceeded.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { newId } from "../src/ids.js";
import { apiDocs, apiDocSummary, buildApiDoc, newSharePassword, type ApiDocRecord } from "../src/resources/apiDocs.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/apiDocs.js";

export default defineAction({
  name: "CreateAPIDoc",
  input: schema.CreateAPIDoc,
  async handler(input, ctx) {
    const limit = ctx.config.limits.apiDocsPerRegion;
    if ((await apiDocs.count(ctx.db, ctx.scope)) >= limit) {
      throw new ApiError("LimitExceeded.APIDocLimitExceeded", `This account already has ${limit} API documents in ${ctx.scope.region}, the limit.`);
    }
    const now = isoTime(ctx.now);
    const draft: ApiDocRecord = {
      ApiDocId: newId.apiDoc(),
      ApiDocName: input.ApiDocName,
      ServiceId: input.ServiceId,
      ServiceName: "",
      Environment: input.Environment,
      ApiIds: [...new Set(input.ApiIds)],
      ApiNames: [],
      ApiDocStatus: "PROCESSING",
      ViewCount: 0,
      ReleaseCount: 0,
      SharePassword: newSharePassword(),
      CreatedTime: now,
      UpdateTime: now,
    };
    const built = await buildApiDoc(ctx.db, ctx.scope, ctx.config, draft, ctx.now);
    await apiDocs.insert(ctx.db, ctx.scope, built.ApiDocId, built, built.ServiceId);
    return { Result: apiDocSummary(built) };
  },
});
