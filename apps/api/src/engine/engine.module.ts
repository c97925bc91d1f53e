import { Module } from '@nestjs/common';
import { EngineController } from './engine.controller';

/** Engine discovery (`GET /api/v1/engine`). */
@Module({ controllers: [EngineController] })
export class EngineModule {}
