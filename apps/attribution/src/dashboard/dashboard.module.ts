import { Module } from '@nestjs/common';
import { ReportsModule } from '../reports/reports.module';
import { DashboardController } from './dashboard.controller';

/** The store owner's dashboard and its sign-in, over the reports service's recovery report. */
@Module({
  imports: [ReportsModule],
  controllers: [DashboardController],
})
export class DashboardModule {}
