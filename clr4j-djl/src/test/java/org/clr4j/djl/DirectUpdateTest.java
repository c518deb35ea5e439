package org.clr4j.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.clr4j.djl.optim.OptimizerConfig;
import org.clr4j.djl.optim.OptimizerKind;
import org.clr4j.djl.optim.ScheduledOptimizer;
import org.clr4j.djl.train.SparseSoftmaxCrossEntropy;
import org.clr4j.schedule.Schedule;
import org.junit.jupiter.api.Test;

/**
 * {@link Batches#update(Trainer, ai.djl.training.optimizer.Optimizer)} updates the parameters itself, without DJL's
 * per-parameter gradient copy: the same bits as {@code trainer.step()}, step after step, and {@code trainer.step()}
 * itself where a parameter has no gradient.
 */
class DirectUpdateTest {
  private static final int STEPS = 30;

  /** Per-step losses, then every parameter's values (batch-norm statistics included), as one array. */
  private static float[] run(Supplier<Block> block, OptimizerKind kind, boolean direct) {
    Engine.getEngine("PyTorch").setRandomSeed(11);
    try (Model model = Model.newInstance("direct", "PyTorch")) {
      model.setBlock(block.get());
      model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, 28, 28));
      ScheduledOptimizer optimizer = OptimizerConfig.defaults(kind)
          .create(Schedule.parse("onecycle(max=0.2, total=" + STEPS + ")"), 0);
      List<Float> out = new ArrayList<>();
      try (Trainer trainer = model.newTrainer(
          new DefaultTrainingConfig(new SparseSoftmaxCrossEntropy()).optOptimizer(optimizer))) {
        ArrayDataset data = UserModels.dataset(trainer.getManager(), UserModels.data().train(), 50);
        int step = 0;
        while (step < STEPS) {
          for (Batch batch : Batches.read("data", () -> trainer.iterateDataset(data))) {
            try (batch) {
              if (step++ < STEPS) {
                out.add((float) Batches.trainStep(trainer, batch, LossStep.DEFAULT, direct ? optimizer : null));
              }
            }
          }
        }
        assertEquals(STEPS, optimizer.updates(), "one update per step");
      }
      return UserModels.withParameterValues(out, model.getBlock());
    }
  }

  @Test
  void theDirectUpdateGivesTrainerStepsBitsWithSgd() {
    float[] viaTrainer = run(UserModels::block, OptimizerKind.SGD, false);
    assertArrayEquals(viaTrainer, run(UserModels::block, OptimizerKind.SGD, true));
    assertNotEquals(viaTrainer[0], viaTrainer[STEPS - 1], "the model trained");
  }

  @Test
  void theDirectUpdateGivesTrainerStepsBitsWithNesterovAndAdamW() {
    assertArrayEquals(run(UserModels::block, OptimizerKind.NESTEROV, false),
        run(UserModels::block, OptimizerKind.NESTEROV, true));
    assertArrayEquals(run(UserModels::block, OptimizerKind.ADAMW, false),
        run(UserModels::block, OptimizerKind.ADAMW, true));
  }

  /** A branch whose parameters never get a gradient: DJL's own rules decide, so trainer.step() runs. */
  private static Block withDeadBranch() {
    ParallelBlock parallel = new ParallelBlock(
        lists -> new NDList(lists.get(0).singletonOrThrow()), // the second branch's output is dropped
        List.of(new SequentialBlock().add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(10).build()),
            new SequentialBlock().add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(3).build())));
    return new SequentialBlock().add(parallel).add(new LambdaBlock(x -> x));
  }

  @Test
  void aParameterWithoutAGradientLeavesTheUpdateToTheTrainer() {
    assertArrayEquals(run(DirectUpdateTest::withDeadBranch, OptimizerKind.SGD, false),
        run(DirectUpdateTest::withDeadBranch, OptimizerKind.SGD, true));
  }
}
