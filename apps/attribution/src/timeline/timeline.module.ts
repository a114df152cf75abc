import { Module } from '@nestjs/common';
import { TimelineController } from './timeline.controller';
import { TimelineRepository } from './timeline.repository';
import { TimelineService } from './timeline.service';
import { TimelineSink } from './timeline.sink';

/** Cart timelines: the sink that writes them from the topics, the API and the page that read them. */
@Module({
  controllers: [TimelineController],
  providers: [TimelineRepository, TimelineService, TimelineSink],
  exports: [TimelineSink, TimelineService],
})
export class TimelineModule {}
