/**
 * Inputs of the custom-domain actions: the generated schemas plus the document's prose rules.
 * - SubDomain: a DNS host name (src/resources/subDomains.ts isDomainName), case-insensitive;
 *   FailedOperation.SubDomainFormatError where the page lists it.
 * - Protocol: http, https or http&https (BindSubDomain: InvalidParameterValue.InvalidProcotol,
 *   sic; ModifySubDomain: FailedOperation.UnknownProtocolTypeError).
 * - NetType: OUTER or INNER (InvalidParameter.FormatError).
 * - PathMappingSet is checked by the handlers, whose codes differ per page (checkPathMappings).
 */
import { z } from "zod";
import * as g from "./generated.js";
import { EnvironmentName, Limit, Offset, oneOf, withCode } from "./common.js";
import { isDomainName, PROTOCOLS } from "../src/resources/subDomains.js";

const FORMAT = "InvalidParameter.FormatError";

const SubDomain = (code: string) => withCode(z.string(), isDomainName, "must be a domain name such as api.example.com", code);
const NetType = oneOf(["OUTER", "INNER"], FORMAT);

export const BindSubDomain = g.BindSubDomainRequest.extend({
  SubDomain: SubDomain("FailedOperation.SubDomainFormatError"),
  Protocol: oneOf(PROTOCOLS, "InvalidParameterValue.InvalidProcotol"),
  NetType,
});

export const ModifySubDomain = g.ModifySubDomainRequest.extend({
  SubDomain: SubDomain("FailedOperation.SubDomainFormatError"),
  Protocol: oneOf(PROTOCOLS, "FailedOperation.UnknownProtocolTypeError").optional(),
  NetType: NetType.optional(),
});

export const UnBindSubDomain = g.UnBindSubDomainRequest.extend({
  SubDomain: SubDomain("FailedOperation.SubDomainFormatError"),
});

export const DescribeServiceSubDomains = g.DescribeServiceSubDomainsRequest.extend({
  Limit: Limit.optional(),
  Offset: Offset.optional(),
});

export const DescribeServiceSubDomainMappings = g.DescribeServiceSubDomainMappingsRequest;

export const DeleteServiceSubDomainMapping = g.DeleteServiceSubDomainMappingRequest.extend({
  Environment: EnvironmentName,
});
