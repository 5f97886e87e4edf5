/**
 * GenerateApiDocument (生成文档和 SDK): generates, for one service environment, the API
 * reference as Markdown (DocumentURL) and a client in Python or JavaScript with that reference
 * as its README (SdkURL, a .zip). The SDK has no method for this action: call it with
 * `client.request("GenerateApiDocument", {...})`. Decisions where the page is silent:
 * - Both files are served by the gateway at `<gateway>/__download/<token>/<file name>`; the
 *   token is unguessable (the link is the credential, like a presigned COS link). Generating
 *   again for the same service, environment and language replaces the previous files.
 * - GenLanguage is Python or JavaScript, any case (InvalidParameterValue.InvalidGenLanguage).
 * - The environment must be published (FailedOperation.GenerateApiDocumentError): the files
 *   describe the release it serves.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { buildReference, gatewayOrigin, publishedRelease, renderMarkdown } from "../src/resources/apiReference.js";
import { zip } from "../src/resources/archive.js";
import { DOWNLOAD_PATH, downloadToken, replaceArtifacts, saveArtifact } from "../src/resources/artifacts.js";
import { LANGUAGES, parseLanguage, sdkFiles } from "../src/resources/sdkGen.js";
import { services } from "../src/resources/services.js";
import * as schema from "../schema/apiDocs.js";

export default defineAction({
  name: "GenerateApiDocument",
  input: schema.GenerateApiDocument,
  async handler(input, ctx) {
    const service = await services.find(ctx.db, ctx.scope, input.ServiceId);
    if (!service) throw new ApiError("FailedOperation.ServiceNotExist", `Service \`${input.ServiceId}\` does not exist in this region.`);
    const language = parseLanguage(input.GenLanguage);
    if (!language) {
      throw new ApiError("InvalidParameterValue.InvalidGenLanguage", `\`GenLanguage\` must be one of ${LANGUAGES.join(", ")}, got \`${input.GenLanguage}\`.`);
    }
    const env = input.GenEnvironment;
    const release = await publishedRelease(ctx.db, ctx.scope, service.ServiceId, env);
    if (!release) {
      throw new ApiError(
        "FailedOperation.GenerateApiDocumentError",
        `Service \`${service.ServiceId}\` is not published in environment \`${env}\`: release it (ReleaseService) before generating its document and SDK.`,
      );
    }
    const { reference } = await buildReference(ctx.db, ctx.scope, ctx.config, release, env);
    const key = `${env}/${language.toLowerCase()}`;
    await replaceArtifacts(ctx.db, ctx.scope, service.ServiceId, "document", key);
    await replaceArtifacts(ctx.db, ctx.scope, service.ServiceId, "sdk", key);
    const base = `${service.ServiceId}-${env}`;
    const files = [
      { kind: "document", name: `${base}-api-document.md`, contentType: "text/markdown; charset=utf-8", body: Buffer.from(renderMarkdown(reference)) },
      { kind: "sdk", name: `${base}-${language.toLowerCase()}-sdk.zip`, contentType: "application/zip", body: zip(sdkFiles(reference, language), ctx.now) },
    ];
    const urls: string[] = [];
    for (const f of files) {
      const id = downloadToken();
      await saveArtifact(ctx.db, ctx.scope, { id, serviceId: service.ServiceId, key, ...f }, ctx.now);
      urls.push(`${gatewayOrigin(ctx.config)}${DOWNLOAD_PATH}${id}/${encodeURIComponent(f.name)}`);
    }
    return { Result: { DocumentURL: urls[0], SdkURL: urls[1] } };
  },
});
