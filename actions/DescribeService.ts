/**
 * DescribeService (查询服务详情): a service's settings, its default domains, the environments
 * it is published in, its APIs and the usage plans bound to it.
 */
import { defineAction } from "../src/control/action.js";
import { apiIdStatus, apis } from "../src/resources/apis.js";
import { publishedEnvironments } from "../src/resources/environments.js";
import { serviceSummary, services } from "../src/resources/services.js";
import { serviceUsagePlanList } from "../src/resources/usagePlans.js";
import * as schema from "../schema/services.js";

export default defineAction({
  name: "DescribeService",
  input: schema.DescribeService,
  async handler(input, ctx) {
    const service = await services.get(ctx.db, ctx.scope, input.ServiceId);
    const serviceApis = await apis.list(ctx.db, ctx.scope, service.ServiceId);
    const usagePlanList = await serviceUsagePlanList(ctx.db, ctx.scope, service.ServiceId);
    const summary = serviceSummary(service, await publishedEnvironments(ctx.db, ctx.scope, service.ServiceId), ctx.config);
    return {
      ...summary,
      // The document calls it CreateTime, the SDK CreatedTime: both are answered.
      CreateTime: service.CreatedTime,
      InternalSubDomain: summary.InnerSubDomain,
      ApiTotalCount: serviceApis.length,
      ApiIdStatusSet: serviceApis.map(apiIdStatus),
      UsagePlanTotalCount: usagePlanList.length,
      UsagePlanList: usagePlanList,
      UserType: service.AppIdType,
      SetId: 0,
      InstanceName: "",
    };
  },
});
