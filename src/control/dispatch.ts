/**
 * The control API's request pipeline, after decoding: authenticate, check the common
 * parameters, rate-limit, validate the input, run the action in one transaction, and wrap
 * the answer (or the error) in the `Response` envelope with a RequestId.
 */
import type { Config } from "../config.js";
import type { Events } from "../events.js";
import { newId } from "../ids.js";
import { WindowCounter, type Clock } from "../limits/window.js";
import { log } from "../log.js";
import { findKeyPair } from "../store/accounts.js";
import type { Store } from "../store/db.js";
import { documentedErrors, rateLimits, type DocumentedAction } from "../../schema/generated.js";
import { noUsage, type ActionContext, type ActionOutput, type UsageReader } from "./action.js";
import { ApiError, errors } from "./errors.js";
import type { ActionRegistry } from "./registry.js";
import type { ControlRequest } from "./request.js";
import { validateInput } from "./validate.js";

export const API_VERSION = "2018-08-08";
/** |timestamp − now| beyond this many seconds: AuthFailure.SignatureExpire. */
export const MAX_CLOCK_SKEW_S = 300;

export interface Envelope {
  Response: Record<string, unknown>;
}

export interface DispatcherDeps {
  store: Store;
  config: Config;
  actions: ActionRegistry;
  events: Events;
  usage?: UsageReader;
  clock?: Clock;
}

export class Dispatcher {
  private readonly clock: Clock;
  private readonly actionRate: WindowCounter;
  /**
   * v1 requests seen within the skew window, by (SecretId, Nonce, Timestamp, Signature): the
   * same signed request again is a replay. The signature is part of the key because clients
   * draw nonces from 0..65535, so two different requests in one second may share one.
   */
  private readonly seenNonces = new Map<string, number>();

  constructor(private readonly deps: DispatcherDeps) {
    this.clock = deps.clock ?? Date.now;
    this.actionRate = new WindowCounter(1000, this.clock);
  }

  /** Answers one decoded request. Never throws: every failure becomes an error envelope. */
  async handle(decode: () => Promise<ControlRequest>): Promise<Envelope> {
    const requestId = newId.requestId();
    try {
      const output = await this.run(await decode(), requestId);
      return { Response: { ...output, RequestId: requestId } };
    } catch (e) {
      return errorEnvelope(e, requestId);
    }
  }

  private async run(req: ControlRequest, requestId: string): Promise<ActionOutput> {
    const { store, config, actions } = this.deps;
    // Authentication first: nothing about the API is revealed to an unsigned caller.
    const key = await findKeyPair(store.db, req.secretId);
    if (!key) throw new ApiError("AuthFailure.SecretIdNotFound", `SecretId \`${req.secretId}\` does not exist.`);
    if (req.timestamp === undefined) throw errors.missing(req.signMethod === "TC3-HMAC-SHA256" ? "X-TC-Timestamp" : "Timestamp");
    if (!/^\d+$/.test(req.timestamp)) throw errors.format("Timestamp", "a unix time in seconds", "InvalidParameter");
    const nowS = Math.floor(this.clock() / 1000);
    if (Math.abs(Number(req.timestamp) - nowS) > MAX_CLOCK_SKEW_S) {
      throw new ApiError(
        "AuthFailure.SignatureExpire",
        `Timestamp ${req.timestamp} is more than ${MAX_CLOCK_SKEW_S} seconds away from the server time ${nowS}.`,
      );
    }
    if (!req.verify(key.secretKey)) {
      throw new ApiError("AuthFailure.SignatureFailure", "The signature does not match: check the SecretKey and the signing steps.");
    }
    if (req.nonce !== undefined) this.rejectReplay(req.secretId, req.nonce, req.timestamp, req.signature ?? "", nowS);

    if (!req.action) throw errors.missing("Action");
    if (!req.version) throw errors.missing("Version");
    if (req.version !== API_VERSION) throw new ApiError("NoSuchVersion", `Version \`${req.version}\` does not exist: this API is ${API_VERSION}.`);
    const action = actions.get(req.action);
    if (!action) throw new ApiError("InvalidAction", `Action \`${req.action}\` does not exist.`);
    if (!req.region) throw errors.missing("Region");
    if (!config.regions.includes(req.region)) {
      throw new ApiError("InvalidParameterValue.InvalidRegion", `Region \`${req.region}\` is not supported here. Supported: ${config.regions.join(", ")}.`);
    }
    if (config.actionRateLimit) {
      const limit = rateLimits[action.name as DocumentedAction] ?? 20;
      if (!this.actionRate.take(`${key.account.appId}\u0000${action.name}`, limit)) {
        throw new ApiError("RequestLimitExceeded", `Too many ${action.name} requests: at most ${limit} per second for each account.`);
      }
    }

    const documented = documentedErrors[action.name as DocumentedAction] ?? [];
    const formatCode = documented.includes("InvalidParameter.FormatError") ? "InvalidParameter.FormatError" : "InvalidParameter";
    const input = validateInput(action.input, req.params, req.fromStrings, formatCode);

    const after: Array<() => void> = [];
    const scope = { appId: key.account.appId, region: req.region };
    const output = await store.db.transaction().execute(async (trx) => {
      const ctx: ActionContext = {
        db: trx,
        scope,
        account: key.account,
        requestId,
        now: new Date(this.clock()),
        config,
        events: this.deps.events,
        usage: this.deps.usage ?? noUsage,
        afterCommit: (fn) => after.push(fn),
      };
      return action.handler(input, ctx);
    });
    for (const fn of after) {
      try {
        fn();
      } catch (e) {
        log.error("after-commit hook failed", { action: action.name, requestId, error: String(e) });
      }
    }
    return output;
  }

  private rejectReplay(secretId: string, nonce: string, timestamp: string, signature: string, nowS: number): void {
    const key = `${secretId}\u0000${nonce}\u0000${timestamp}\u0000${signature}`;
    if (this.seenNonces.has(key)) {
      throw new ApiError("AuthFailure.SignatureFailure", `Replayed request: Nonce ${nonce} was already used with this SecretId and Timestamp.`);
    }
    this.seenNonces.set(key, Number(timestamp));
    if (this.seenNonces.size > 1000) {
      for (const [k, ts] of this.seenNonces) if (Math.abs(ts - nowS) > MAX_CLOCK_SKEW_S) this.seenNonces.delete(k);
    }
  }
}

export function errorEnvelope(e: unknown, requestId: string): Envelope {
  if (e instanceof ApiError) {
    return { Response: { Error: { Code: e.code, Message: e.message }, RequestId: requestId } };
  }
  log.error("internal error", { requestId, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  return {
    Response: {
      Error: { Code: "InternalError", Message: `An internal error occurred. Quote RequestId ${requestId} when reporting it.` },
      RequestId: requestId,
    },
  };
}
