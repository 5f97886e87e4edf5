/** API keys (密钥) through the official SDK: create (auto / manual), describe, list, enable, disable, update, delete. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChangeEvent } from "../src/events.js";
import { sdkError, startTestServer, type TestServer } from "./helpers.js";
import { createKey, createPlan, createService } from "./usage-fixtures.js";

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const SECOND = { appId: "1300000002", secretId: "AKIDsecondAccountKeys00000000000", secretKey: "secondAccountKeysSecret" };

let s: TestServer;
beforeAll(async () => {
  // Many calls of one action within a second: the per-action rate limit is tested elsewhere.
  s = await startTestServer({ actionRateLimit: false }, { APIGW_CREDENTIALS: `${SECOND.appId}:${SECOND.secretId}:${SECOND.secretKey}` });
});
afterAll(() => s.close());

describe("CreateApiKey", () => {
  it("generates an AKID… id and a secret by default (auto), enabled", async () => {
    const c = s.client();
    const { Result: k } = await c.CreateApiKey({ SecretName: "auto_key", Tags: [{ Key: "team", Value: "a" }] });
    expect(k?.AccessKeyId).toMatch(/^AKID[0-9a-z]{36}$/);
    expect(k?.AccessKeySecret).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(k).toMatchObject({ AccessKeyType: "auto", SecretName: "auto_key", Status: 1, Tags: [{ Key: "team", Value: "a" }] });
    expect(k?.CreatedTime).toMatch(ISO);
    expect(k?.ModifiedTime).toBe(k?.CreatedTime);

    const described = await c.DescribeApiKey({ AccessKeyId: k!.AccessKeyId! });
    expect(described.Result).toEqual(k);
    const other = (await c.CreateApiKey({ SecretName: "auto_key" })).Result!;
    expect(other.AccessKeyId).not.toBe(k?.AccessKeyId);
    expect(other.AccessKeySecret).not.toBe(k?.AccessKeySecret);
  });

  it("takes a manual AccessKeyId (5–50) and AccessKeySecret (10–50) of letters, digits, _ and -", async () => {
    const c = s.client();
    const { Result: k } = await c.CreateApiKey({ SecretName: "manual-key", AccessKeyType: "manual", AccessKeyId: "my_id-1", AccessKeySecret: "my_secret-0123" });
    expect(k).toMatchObject({ AccessKeyId: "my_id-1", AccessKeySecret: "my_secret-0123", AccessKeyType: "manual", Status: 1 });
    const longest = { AccessKeyId: "i".repeat(50), AccessKeySecret: "s".repeat(50) };
    expect((await c.CreateApiKey({ SecretName: "n".repeat(50), AccessKeyType: "manual", ...longest })).Result).toMatchObject(longest);
  });

  it("requires AccessKeyId and AccessKeySecret for manual keys", async () => {
    const c = s.client();
    const noId = await sdkError(() => c.CreateApiKey({ SecretName: "m", AccessKeyType: "manual", AccessKeySecret: "0123456789" }));
    expect(noId.code).toBe("MissingParameter");
    expect(noId.message).toContain("AccessKeyId");
    const noSecret = await sdkError(() => c.CreateApiKey({ SecretName: "m", AccessKeyType: "manual", AccessKeyId: "abcde" }));
    expect(noSecret.code).toBe("MissingParameter");
    expect(noSecret.message).toContain("AccessKeySecret");
  });

  it.each([
    ["AccessKeyId too short", { AccessKeyId: "abcd", AccessKeySecret: "0123456789" }, "AccessKeyId"],
    ["AccessKeyId too long", { AccessKeyId: "a".repeat(51), AccessKeySecret: "0123456789" }, "AccessKeyId"],
    ["AccessKeyId with a space", { AccessKeyId: "ab cde", AccessKeySecret: "0123456789" }, "AccessKeyId"],
    ["AccessKeySecret too short", { AccessKeyId: "abcde", AccessKeySecret: "012345678" }, "AccessKeySecret"],
    ["AccessKeySecret too long", { AccessKeyId: "abcde", AccessKeySecret: "s".repeat(51) }, "AccessKeySecret"],
    ["AccessKeySecret with punctuation", { AccessKeyId: "abcde", AccessKeySecret: "0123456789!" }, "AccessKeySecret"],
  ])("refuses %s with InvalidParameter.FormatError", async (_, given, param) => {
    const c = s.client();
    const e = await sdkError(() => c.CreateApiKey({ SecretName: "m", AccessKeyType: "manual", ...given }));
    expect(e.code).toBe("InvalidParameter.FormatError");
    expect(e.message).toContain(param);
  });

  it("checks the name and the key type", async () => {
    const c = s.client();
    for (const SecretName of ["n".repeat(51), "bad name", "名字", ""]) {
      const e = await sdkError(() => c.CreateApiKey({ SecretName }));
      expect(e.code).toBe("InvalidParameter.FormatError");
      expect(e.message).toContain("SecretName");
    }
    const type = await sdkError(() => c.CreateApiKey({ SecretName: "k", AccessKeyType: "custom" }));
    expect(type.code).toBe("InvalidParameter.FormatError");
    expect(type.message).toContain("AccessKeyType");
  });

  it("refuses an AccessKeyId in use, by this or any other account (FailedOperation.AccessKeyExist)", async () => {
    const c = s.client();
    const before = (await c.DescribeApiKeysStatus({})).Result!.TotalCount;
    await c.CreateApiKey({ SecretName: "dup", AccessKeyType: "manual", AccessKeyId: "shared_id", AccessKeySecret: "0123456789" });
    const again = await sdkError(() => c.CreateApiKey({ SecretName: "dup", AccessKeyType: "manual", AccessKeyId: "shared_id", AccessKeySecret: "abcdefghij" }));
    expect(again.code).toBe("FailedOperation.AccessKeyExist");
    expect(again.message).toContain("shared_id");
    const second = s.client({ secretId: SECOND.secretId, secretKey: SECOND.secretKey });
    const other = await sdkError(() => second.CreateApiKey({ SecretName: "dup", AccessKeyType: "manual", AccessKeyId: "shared_id", AccessKeySecret: "abcdefghij" }));
    expect(other.code).toBe("FailedOperation.AccessKeyExist");
    expect((await c.DescribeApiKeysStatus({})).Result!.TotalCount).toBe(before + 1);
    // The other account does not see this account's key.
    expect((await sdkError(() => second.DescribeApiKey({ AccessKeyId: "shared_id" }))).code).toBe("ResourceNotFound.InvalidAccessKeyId");
  });

  it("keeps keys per region", async () => {
    const id = await createKey(s.client());
    const e = await sdkError(() => s.client({ region: "ap-shanghai" }).DescribeApiKey({ AccessKeyId: id }));
    expect(e.code).toBe("ResourceNotFound.InvalidAccessKeyId");
  });
});

describe("key limit", () => {
  it("answers LimitExceeded.ApiKeyCountLimitExceeded beyond config.limits.apiKeysPerRegion (APIGW_LIMIT_API_KEYS)", async () => {
    const small = await startTestServer({}, { APIGW_LIMIT_API_KEYS: "2" });
    try {
      const c = small.client();
      await createKey(c);
      await createKey(c);
      const e = await sdkError(() => c.CreateApiKey({ SecretName: "third", AccessKeyType: "manual", AccessKeyId: "third_key", AccessKeySecret: "0123456789" }));
      expect(e.code).toBe("LimitExceeded.ApiKeyCountLimitExceeded");
      expect((await c.DescribeApiKeysStatus({})).Result!.TotalCount).toBe(2);
      // Another region has its own allowance.
      await createKey(small.client({ region: "ap-beijing" }));
    } finally {
      await small.close();
    }
  });

  it("allows the documented 400 keys by default", async () => {
    const big = await startTestServer({ actionRateLimit: false });
    try {
      const c = big.client();
      for (let i = 0; i < 400; i++) await c.CreateApiKey({ SecretName: `k${i}` });
      expect((await sdkError(() => c.CreateApiKey({ SecretName: "k400" }))).code).toBe("LimitExceeded.ApiKeyCountLimitExceeded");
      expect((await c.DescribeApiKeysStatus({ Limit: 1 })).Result!.TotalCount).toBe(400);
    } finally {
      await big.close();
    }
  });
});

describe("DisableApiKey / EnableApiKey", () => {
  it("toggles Status and ModifiedTime; the same state twice answers UnsupportedOperation.UnsupportedUpdateApiKey", async () => {
    const c = s.client();
    const id = await createKey(c);
    expect((await c.DisableApiKey({ AccessKeyId: id })).Result).toBe(true);
    expect((await c.DescribeApiKey({ AccessKeyId: id })).Result?.Status).toBe(0);
    const twice = await sdkError(() => c.DisableApiKey({ AccessKeyId: id }));
    expect(twice.code).toBe("UnsupportedOperation.UnsupportedUpdateApiKey");
    expect((await c.EnableApiKey({ AccessKeyId: id })).Result).toBe(true);
    expect((await c.DescribeApiKey({ AccessKeyId: id })).Result?.Status).toBe(1);
    expect((await sdkError(() => c.EnableApiKey({ AccessKeyId: id }))).code).toBe("UnsupportedOperation.UnsupportedUpdateApiKey");
  });

  it("answers ResourceNotFound.InvalidAccessKeyId for an unknown key", async () => {
    const c = s.client();
    for (const call of [() => c.DisableApiKey({ AccessKeyId: "AKIDnope" }), () => c.EnableApiKey({ AccessKeyId: "AKIDnope" })]) {
      const e = await sdkError(call);
      expect(e.code).toBe("ResourceNotFound.InvalidAccessKeyId");
      expect(e.message).toContain("AKIDnope");
    }
  });

  it("tells the gateway about the services whose plans hold the key", async () => {
    const c = s.client();
    const serviceId = await createService(c);
    const plan = await createPlan(c);
    const key = await createKey(c);
    await c.BindSecretIds({ UsagePlanId: plan, AccessKeyIds: [key] });
    await c.BindEnvironment({ UsagePlanIds: [plan], BindType: "SERVICE", Environment: "release", ServiceId: serviceId });
    const seen: ChangeEvent[] = [];
    const off = s.apigw.events.onChanged((e) => seen.push(e));
    try {
      await c.DisableApiKey({ AccessKeyId: key });
      await c.EnableApiKey({ AccessKeyId: key });
      await c.UpdateApiKey({ AccessKeyId: key });
    } finally {
      off();
    }
    const scope = { appId: s.apigw.defaultKey.account.appId, region: "ap-guangzhou" };
    // A new secret refreshes the account's key list (the key may be bound nowhere yet).
    expect(seen).toEqual([{ ...scope, serviceId }, { ...scope, serviceId }, scope]);
  });
});

describe("UpdateApiKey", () => {
  it("gives an auto key a new generated secret, keeping its id", async () => {
    const c = s.client();
    const { Result: k } = await c.CreateApiKey({ SecretName: "rotate" });
    const { Result: u } = await c.UpdateApiKey({ AccessKeyId: k!.AccessKeyId! });
    expect(u?.AccessKeyId).toBe(k?.AccessKeyId);
    expect(u?.AccessKeySecret).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(u?.AccessKeySecret).not.toBe(k?.AccessKeySecret);
    expect((await c.DescribeApiKey({ AccessKeyId: k!.AccessKeyId! })).Result?.AccessKeySecret).toBe(u?.AccessKeySecret);
  });

  it("needs the new AccessKeySecret for a manual key, checked like CreateApiKey's", async () => {
    const c = s.client();
    await c.CreateApiKey({ SecretName: "m", AccessKeyType: "manual", AccessKeyId: "rotate_manual", AccessKeySecret: "old_secret_0" });
    expect((await sdkError(() => c.UpdateApiKey({ AccessKeyId: "rotate_manual" }))).code).toBe("MissingParameter");
    const bad = await sdkError(() => c.UpdateApiKey({ AccessKeyId: "rotate_manual", AccessKeySecret: "short" }));
    expect(bad.code).toBe("InvalidParameter.FormatError");
    expect((await c.DescribeApiKey({ AccessKeyId: "rotate_manual" })).Result?.AccessKeySecret).toBe("old_secret_0");
    const { Result: u } = await c.UpdateApiKey({ AccessKeyId: "rotate_manual", AccessKeySecret: "new_secret_1" });
    expect(u).toMatchObject({ AccessKeyId: "rotate_manual", AccessKeySecret: "new_secret_1", AccessKeyType: "manual" });
  });

  it("answers ResourceNotFound.InvalidAccessKeyId for an unknown key", async () => {
    expect((await sdkError(() => s.client().UpdateApiKey({ AccessKeyId: "AKIDnope" }))).code).toBe("ResourceNotFound.InvalidAccessKeyId");
  });
});

describe("DeleteApiKey", () => {
  it("deletes a disabled key that no plan holds", async () => {
    const c = s.client();
    const id = await createKey(c);
    const enabled = await sdkError(() => c.DeleteApiKey({ AccessKeyId: id }));
    expect(enabled.code).toBe("UnsupportedOperation.InvalidStatus");
    expect(enabled.message).toContain("DisableApiKey");

    const plan = await createPlan(c);
    await c.BindSecretIds({ UsagePlanId: plan, AccessKeyIds: [id] });
    await c.DisableApiKey({ AccessKeyId: id });
    const inUse = await sdkError(() => c.DeleteApiKey({ AccessKeyId: id }));
    expect(inUse.code).toBe("UnsupportedOperation.ResourceIsInUse");
    expect(inUse.message).toContain(plan);
    expect((await c.DescribeApiKey({ AccessKeyId: id })).Result?.AccessKeyId).toBe(id);

    await c.UnBindSecretIds({ UsagePlanId: plan, AccessKeyIds: [id] });
    expect((await c.DeleteApiKey({ AccessKeyId: id })).Result).toBe(true);
    expect((await sdkError(() => c.DescribeApiKey({ AccessKeyId: id }))).code).toBe("ResourceNotFound.InvalidAccessKeyId");
    expect((await sdkError(() => c.DeleteApiKey({ AccessKeyId: id }))).code).toBe("ResourceNotFound.InvalidAccessKeyId");
  });
});

describe("DescribeApiKeysStatus", () => {
  it("lists newest first without secrets, pages, and filters", async () => {
    const srv = await startTestServer({ actionRateLimit: false });
    try {
      const c = srv.client();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await c.CreateApiKey({ SecretName: `list_${i}` })).Result!.AccessKeyId!);
      await c.CreateApiKey({ SecretName: "other", AccessKeyType: "manual", AccessKeyId: "findme_id", AccessKeySecret: "findme_secret" });
      await c.DisableApiKey({ AccessKeyId: ids[1]! });
      const plan = await createPlan(c);
      await c.BindSecretIds({ UsagePlanId: plan, AccessKeyIds: [ids[0]!, ids[2]!] });

      const first = await c.DescribeApiKeysStatus({ Limit: 2 });
      expect(first.Result?.TotalCount).toBe(6);
      expect(first.Result?.ApiKeySet.map((k) => k.AccessKeyId)).toEqual(["findme_id", ids[4]]);
      expect(first.Result?.ApiKeySet.every((k) => k.AccessKeySecret === "")).toBe(true);
      const second = await c.DescribeApiKeysStatus({ Limit: 2, Offset: 2 });
      expect(second.Result?.ApiKeySet.map((k) => k.AccessKeyId)).toEqual([ids[3], ids[2]]);

      const ids_ = async (Name: string, Values: string[]) =>
        (await c.DescribeApiKeysStatus({ Filters: [{ Name, Values }] })).Result!.ApiKeySet.map((k) => k.AccessKeyId);
      expect(await ids_("AccessKeyId", [ids[0]!, ids[3]!])).toEqual([ids[3], ids[0]]);
      expect(await ids_("AccessKeySecret", ["findme_secret"])).toEqual(["findme_id"]);
      expect(await ids_("SecretName", ["LIST_"])).toEqual([ids[4], ids[3], ids[2], ids[1], ids[0]]);
      expect(await ids_("Status", ["0"])).toEqual([ids[1]]);
      expect(await ids_("KeyWord", ["findme"])).toEqual(["findme_id"]);
      expect(await ids_("KeyWord", ["list_3"])).toEqual([ids[3]]);
      expect(await ids_("NotUsagePlanId", [plan])).toEqual(["findme_id", ids[4], ids[3], ids[1]]);
      const both = await c.DescribeApiKeysStatus({ Filters: [{ Name: "SecretName", Values: ["list"] }, { Name: "Status", Values: ["1"] }] });
      expect(both.Result?.TotalCount).toBe(4);

      const bad = await sdkError(() => c.DescribeApiKeysStatus({ Filters: [{ Name: "Colour", Values: ["x"] }] }));
      expect(bad.code).toBe("InvalidParameterValue.InvalidFilterNotSupportedName");
      expect((await sdkError(() => c.DescribeApiKeysStatus({ Limit: 101 }))).message).toContain("Limit");
    } finally {
      await srv.close();
    }
  });
});
