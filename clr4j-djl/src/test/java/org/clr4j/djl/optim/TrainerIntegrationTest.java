package org.clr4j.djl.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.List;
import org.clr4j.djl.UserModels;
import org.clr4j.schedule.Schedules;
import org.junit.jupiter.api.Test;

/** The optimizers plugged into a DJL Trainer, as a user would: same trajectory as DJL's own at constant lr. */
class TrainerIntegrationTest {

  static float[] train(Optimizer optimizer, int steps) {
    try (Model model = Model.newInstance("linear", "PyTorch")) {
      Linear block = Linear.builder().setUnits(1).build();
      block.setInitializer(new ConstantInitializer(0.1f), Parameter.Type.WEIGHT);
      block.setInitializer(new ConstantInitializer(0f), Parameter.Type.BIAS);
      model.setBlock(block);
      DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(optimizer);
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(8, 3));
        NDManager m = trainer.getManager();
        NDArray x = m.arange(24f).reshape(8, 3).div(24f);
        NDArray y = x.sum(new int[] {1}, true).mul(2f).add(1f);
        for (int i = 0; i < steps; i++) {
          try (GradientCollector collector = trainer.newGradientCollector()) {
            NDArray pred = trainer.forward(new NDList(x)).singletonOrThrow();
            collector.backward(trainer.getLoss().evaluate(new NDList(y), new NDList(pred)));
          }
          trainer.step();
        }
        return UserModels.withParameterValues(List.of(), block);
      }
    }
  }

  @Test
  void scheduledSgdInATrainerMatchesDjlSgdAtConstantLr() {
    ScheduledSgd ours = ScheduledSgd.builder().schedule(Schedules.constant(0.1)).momentum(0.9).build();
    float[] expected = train(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).optMomentum(0.9f).build(), 15);
    float[] actual = train(ours, 15);
    assertEquals(4, actual.length);
    for (int i = 0; i < actual.length; i++) {
      assertEquals(expected[i], actual[i], 1e-5, "parameter element " + i);
    }
    assertTrue(Math.abs(actual[3] - 0f) > 0.1, "the bias moved");
    assertEquals(15, ours.updates());
  }

  @Test
  void scheduledAdamWInATrainerMatchesDjlAdamWAtConstantLr() {
    ScheduledAdamW ours = ScheduledAdamW.builder().schedule(Schedules.constant(0.05)).build();
    float[] expected =
        train(Optimizer.adamW().optLearningRateTracker(Tracker.fixed(0.05f)).optWeightDecays(0.01f).build(), 15);
    float[] actual = train(ours, 15);
    for (int i = 0; i < actual.length; i++) {
      assertEquals(expected[i], actual[i], 1e-5, "parameter element " + i);
    }
  }
}
