import { Module } from '@nestjs/common';
import { EngineController } from './engine.controller';
import { ServedModels } from './served-models';

/** Engine discovery (`GET /api/v1/engine`) and the models tasks may name (`ServedModels`). */
@Module({ controllers: [EngineController], providers: [ServedModels], exports: [ServedModels] })
export class EngineModule {}
