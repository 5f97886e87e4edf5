/**
 * CreateApiKey (创建密钥): creates a key pair for SECRET-authenticated calls. `auto` (the
 * default) generates an `AKID…` AccessKeyId (40 characters) and a 32-character secret;
 * `manual` takes AccessKeyId (5–50) and AccessKeySecret (10–50), both required then.
 * Decisions where the document is silent: with `auto`, a given AccessKeyId/AccessKeySecret is
 * ignored; AccessKeyIds are unique across the installation (the gateway finds a key by id), so
 * one taken by any key answers FailedOperation.AccessKeyExist. New keys are enabled.
 */
import { ApiError, errors } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { accessKeyIdTaken, apiKeys, apiKeyView, generateAccessKeyId, generateAccessKeySecret, type ApiKeyRecord } from "../src/resources/apiKeys.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/apiKeys.js";

export default defineAction({
  name: "CreateApiKey",
  input: schema.CreateApiKey,
  async handler(input, ctx) {
    const type = input.AccessKeyType ?? "auto";
    if (type === "manual") {
      if (input.AccessKeyId === undefined) throw errors.missing("AccessKeyId");
      if (input.AccessKeySecret === undefined) throw errors.missing("AccessKeySecret");
    }
    const limit = ctx.config.limits.apiKeysPerRegion;
    if ((await apiKeys.count(ctx.db, ctx.scope)) >= limit) {
      throw new ApiError("LimitExceeded.ApiKeyCountLimitExceeded", `This account already has ${limit} API keys in ${ctx.scope.region}, the limit.`);
    }
    let id: string;
    if (type === "manual") {
      id = input.AccessKeyId!;
      if (await accessKeyIdTaken(ctx.db, id)) {
        throw new ApiError("FailedOperation.AccessKeyExist", `AccessKeyId \`${id}\` is already in use: choose another one.`);
      }
    } else {
      do id = generateAccessKeyId();
      while (await accessKeyIdTaken(ctx.db, id));
    }
    const now = isoTime(ctx.now);
    const record: ApiKeyRecord = {
      AccessKeyId: id,
      AccessKeySecret: type === "manual" ? input.AccessKeySecret! : generateAccessKeySecret(),
      AccessKeyType: type,
      SecretName: input.SecretName,
      Status: 1,
      Tags: input.Tags ?? [],
      CreatedTime: now,
      ModifiedTime: now,
    };
    await apiKeys.insert(ctx.db, ctx.scope, id, record);
    // The gateway's key list is per account and region: refresh it (a key bound nowhere yet
    // must answer 403 "no usage plan", not 401 "unknown key").
    ctx.afterCommit(() => ctx.events.changed(ctx.scope));
    return { Result: apiKeyView(record) };
  },
});
