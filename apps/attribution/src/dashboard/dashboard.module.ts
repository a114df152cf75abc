import { Module } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { ReportsModule } from '../reports/reports.module';
import { DashboardController } from './dashboard.controller';
import { SIGN_IN_FAILURES, SignInAttempts } from './sign-in-throttle';

/** The store owner's dashboard and its sign-in, over the reports service's recovery report. */
@Module({
  imports: [ReportsModule],
  providers: [SignInAttempts, { provide: SIGN_IN_FAILURES, useClass: ThrottlerStorageService }],
  controllers: [DashboardController],
})
export class DashboardModule {}
