/**
 * Inputs of the API key actions: the generated schemas plus the document's prose rules.
 * Names: up to 50 characters of letters, digits, `_` (F0) and `-` (F1's custom keys).
 * Manual AccessKeyId: 5–50, AccessKeySecret: 10–50 characters of the same set.
 * A malformed value answers InvalidParameter.FormatError, the code CreateApiKey documents.
 */
import { z } from "zod";
import * as g from "./generated.js";
import { Limit, Offset, oneOf, Tags, withCode } from "./common.js";

const FORMAT = "InvalidParameter.FormatError";

const chars = (min: number, max: number) =>
  withCode(z.string(), (v) => new RegExp(`^[A-Za-z0-9_-]{${min},${max}}$`).test(v), `must be ${min} to ${max} characters of letters, digits, _ or -`, FORMAT);

export const SecretName = chars(1, 50);
export const ManualAccessKeyId = chars(5, 50);
export const ManualAccessKeySecret = chars(10, 50);

export const CreateApiKey = g.CreateApiKeyRequest.extend({
  SecretName,
  AccessKeyType: oneOf(["auto", "manual"], FORMAT).optional(),
  AccessKeyId: ManualAccessKeyId.optional(),
  AccessKeySecret: ManualAccessKeySecret.optional(),
  // Not in the document, but the SDK sends it.
  Tags: Tags.optional(),
});

export const DeleteApiKey = g.DeleteApiKeyRequest;
export const DescribeApiKey = g.DescribeApiKeyRequest;
export const DisableApiKey = g.DisableApiKeyRequest;
export const EnableApiKey = g.EnableApiKeyRequest;

export const UpdateApiKey = g.UpdateApiKeyRequest.extend({
  AccessKeySecret: ManualAccessKeySecret.optional(),
});

export const DescribeApiKeysStatus = g.DescribeApiKeysStatusRequest.extend({
  Limit: Limit.optional(),
  Offset: Offset.optional(),
});
