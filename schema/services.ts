/** Inputs of the service actions: the generated schemas plus the document's prose rules. */
import { z } from "zod";
import * as g from "./generated.js";
import { IpVersion, Limit, NetType, Offset, ResourceName, ServiceProtocol, Tags } from "./common.js";

const ServiceDesc = z.string().max(200);
const NetTypes = z.array(NetType).min(1).max(2);

export const CreateService = g.CreateServiceRequest.extend({
  ServiceName: ResourceName,
  ServiceDesc: ServiceDesc.optional(),
  Protocol: ServiceProtocol,
  NetTypes: NetTypes.optional(),
  IpVersion: IpVersion.optional(),
  Tags: Tags.optional(),
});

export const ModifyService = g.ModifyServiceRequest.extend({
  ServiceName: ResourceName.optional(),
  ServiceDesc: ServiceDesc.optional(),
  Protocol: ServiceProtocol.optional(),
  NetTypes: NetTypes.optional(),
});

export const DeleteService = g.DeleteServiceRequest.extend({
  SkipVerification: z.int().min(0).max(1).optional(),
});

export const DescribeService = g.DescribeServiceRequest;

export const DescribeServicesStatus = g.DescribeServicesStatusRequest.extend({
  Limit: Limit.optional(),
  Offset: Offset.optional(),
});
