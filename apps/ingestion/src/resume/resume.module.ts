import { Module } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { LandingModule } from '../landing/landing.module';
import { RESUME_HITS, ResumeClicksService } from './resume-clicks.service';
import { ResumeController } from './resume.controller';

@Module({
  imports: [LandingModule],
  controllers: [ResumeController],
  providers: [ResumeClicksService, { provide: RESUME_HITS, useClass: ThrottlerStorageService }],
})
export class ResumeModule {}
