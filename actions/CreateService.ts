/**
 * CreateService (创建服务): creates a service, the unit that holds APIs. Each service gets a
 * default domain under which the gateway serves its published environments.
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { newId } from "../src/ids.js";
import { defaultDomains, services, type ServiceRecord } from "../src/resources/services.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/services.js";

export default defineAction({
  name: "CreateService",
  input: schema.CreateService,
  async handler(input, ctx) {
    const limit = ctx.config.limits.servicesPerRegion;
    if ((await services.count(ctx.db, ctx.scope)) >= limit) {
      throw new ApiError("LimitExceeded.ServiceCountLimitExceeded", `This account already has ${limit} services in ${ctx.scope.region}, the limit.`);
    }
    const id = newId.service();
    const domains = defaultDomains(ctx.config, ctx.scope, id);
    const now = isoTime(ctx.now);
    const record: ServiceRecord = {
      ServiceId: id,
      ServiceName: input.ServiceName,
      ServiceDesc: input.ServiceDesc ?? "",
      Protocol: input.Protocol,
      NetTypes: input.NetTypes ? [...new Set(input.NetTypes)] : ["OUTER"],
      IpVersion: input.IpVersion ?? "IPv4",
      ExclusiveSetName: input.ExclusiveSetName ?? "",
      SetServerName: input.SetServerName ?? "",
      AppIdType: input.AppIdType ?? "",
      InstanceId: input.InstanceId ?? "",
      ProjectId: input.ProjectId ?? "0",
      TceArch: input.TceArch ?? "",
      Tags: input.Tags ?? [],
      OuterSubDomain: domains.outer,
      InnerSubDomain: domains.inner,
      CreatedTime: now,
      ModifiedTime: now,
    };
    await services.insert(ctx.db, ctx.scope, id, record);
    return {
      ServiceId: id,
      ServiceName: record.ServiceName,
      ServiceDesc: record.ServiceDesc,
      OuterSubDomain: record.NetTypes.includes("OUTER") ? record.OuterSubDomain : "",
      InnerSubDomain: record.NetTypes.includes("INNER") ? record.InnerSubDomain : "",
      CreatedTime: now,
      NetTypes: record.NetTypes,
      IpVersion: record.IpVersion,
    };
  },
});
