/** Services: the record kept for each, its default domains, and its documented views. */
import type { Config } from "../config.js";
import { ApiError } from "../control/errors.js";
import { repository } from "../store/resources.js";
import type { Scope } from "../store/resources.js";

export interface ServiceRecord {
  ServiceId: string;
  ServiceName: string;
  ServiceDesc: string;
  Protocol: string;
  NetTypes: string[];
  IpVersion: string;
  ExclusiveSetName: string;
  SetServerName: string;
  AppIdType: string;
  InstanceId: string;
  ProjectId: string;
  TceArch: string;
  Tags: Array<{ Key: string; Value: string }>;
  OuterSubDomain: string;
  InnerSubDomain: string;
  CreatedTime: string;
  ModifiedTime: string;
}

export const services = repository<ServiceRecord>("services", (id) =>
  new ApiError("ResourceNotFound.InvalidService", `Service \`${id}\` does not exist in this region.`),
);

/**
 * Default domains: `<serviceId>-<AppId>.<region>.<suffix>` from outside, and the same under
 * `internal.` for the INNER network type. Both reach the gateway.
 */
export function defaultDomains(config: Config, scope: Scope, serviceId: string): { outer: string; inner: string } {
  const base = `${serviceId}-${scope.appId}.${scope.region}`;
  return { outer: `${base}.${config.domainSuffix}`, inner: `${base}.internal.${config.domainSuffix}` };
}

/** The fields common to the list entry (Service) and the detail (DescribeService). */
export function serviceSummary(s: ServiceRecord, availableEnvironments: string[], config: Config) {
  const inner = s.NetTypes.includes("INNER");
  return {
    ServiceId: s.ServiceId,
    ServiceName: s.ServiceName,
    ServiceDesc: s.ServiceDesc,
    Protocol: s.Protocol,
    NetTypes: s.NetTypes,
    IpVersion: s.IpVersion,
    ExclusiveSetName: s.ExclusiveSetName,
    OuterSubDomain: s.NetTypes.includes("OUTER") ? s.OuterSubDomain : "",
    InnerSubDomain: inner ? s.InnerSubDomain : "",
    InnerHttpPort: inner ? config.gatewayPort : 0,
    InnerHttpsPort: inner ? config.gatewayPort : 0,
    AvailableEnvironments: availableEnvironments,
    CreatedTime: s.CreatedTime,
    ModifiedTime: s.ModifiedTime,
    TradeIsolateStatus: 0,
    Tags: s.Tags,
    InstanceId: s.InstanceId,
    SetType: "",
    DeploymentType: s.InstanceId ? "DEDICATED" : "SHARED",
    ProjectId: s.ProjectId,
    TceArch: s.TceArch,
  };
}
