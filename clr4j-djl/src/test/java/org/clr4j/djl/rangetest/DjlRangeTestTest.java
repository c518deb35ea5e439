package org.clr4j.djl.rangetest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.clr4j.data.EpochOrder;
import org.clr4j.data.FashionMnist;
import org.clr4j.data.TrainTest;
import org.clr4j.djl.optim.OptimizerState;
import org.clr4j.djl.optim.ScheduledOptimizer;
import org.clr4j.djl.train.OptimizerConfig;
import org.clr4j.djl.train.TrainingSession;
import org.clr4j.rangetest.RangeTest;
import org.clr4j.rangetest.RangeTestResult;
import org.clr4j.schedule.Schedule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DjlRangeTestTest {
  private static TrainTest data;

  @BeforeAll
  static void smallData() {
    TrainTest small = FashionMnist.embeddedSmall();
    data = new TrainTest(small.train().head(2000), small.test().head(200));
  }

  private static final RangeTest TEST = RangeTest.builder().startLr(1e-4).endLr(10).steps(30).evalEvery(3).build();

  private static float[] trainSteps(TrainingSession s, int steps) {
    int[] order = new EpochOrder(data.train().size(), 3).order(0);
    float[] losses = new float[steps];
    for (int i = 0; i < steps; i++) {
      losses[i] = s.trainStep(data.train(), order, i * 32, 32);
    }
    return losses;
  }

  @Test
  void restoresParametersAndOptimizerStateBitwiseSoTrainingContinuesAsWithoutTheTest() {
    Schedule schedule = Schedule.parse("triangular(base=0.01, max=0.1, up=5, momentum=0.8:0.95)");
    for (String model : new String[] {"mlp", "cnn"}) {
      float[] without;
      try (TrainingSession s = TrainingSession.create(model, data.train(), 32,
          OptimizerConfig.defaults("sgd").create(schedule, 0), 11)) {
        trainSteps(s, 3);
        without = trainSteps(s, 5);
      }
      ScheduledOptimizer optimizer = OptimizerConfig.defaults("sgd").create(schedule, 0);
      try (TrainingSession s = TrainingSession.create(model, data.train(), 32, optimizer, 11)) {
        trainSteps(s, 3);
        try (TrainingSession.ParameterSnapshot before = s.snapshotParameters();
            OptimizerState stateBefore = optimizer.snapshot()) {
          RangeTestResult r = DjlRangeTest.run(s, data.train(), TEST, OptimizerConfig.defaults("sgd"), 300, 5, null);
          assertTrue(r.points().size() >= 10, model + ": " + r.points().size() + " points");
          try (TrainingSession.ParameterSnapshot after = s.snapshotParameters();
              OptimizerState stateAfter = optimizer.snapshot()) {
            assertTrue(before.bitwiseEquals(after), model + ": parameters changed by the range test");
            assertEquals(stateBefore.updates(), stateAfter.updates());
          }
        }
        // Same steps as the run without a test, bit for bit: the data order was not consumed either.
        assertArrayEquals(without, trainSteps(s, 5), model);
      }
    }
  }

  @Test
  void restoresAlsoWhenAStepThrows() {
    try (TrainingSession s = TrainingSession.create("mlp", data.train(), 32,
        OptimizerConfig.defaults("sgd").create(Schedule.parse("constant(lr=0.01)"), 0), 3)) {
      trainSteps(s, 2);
      try (TrainingSession.ParameterSnapshot before = s.snapshotParameters()) {
        RangeTest.Listener failing = (point, steps) -> {
          if (point.index() == 4) {
            throw new IllegalStateException("listener failed on purpose");
          }
        };
        assertThrows(IllegalStateException.class,
            () -> DjlRangeTest.run(s, data.train(), TEST, OptimizerConfig.defaults("sgd"), 300, 5, failing));
        try (TrainingSession.ParameterSnapshot after = s.snapshotParameters()) {
          assertTrue(before.bitwiseEquals(after));
        }
      }
    }
  }

  @Test
  void suggestsBoundsInsideTheTestedRange() {
    try (TrainingSession s = TrainingSession.create("mlp", data.train(), 64,
        OptimizerConfig.defaults("sgd").create(Schedule.parse("constant(lr=0.01)"), 0), 3)) {
      RangeTest test = RangeTest.builder().startLr(1e-4).endLr(10).steps(60).evalEvery(5).build();
      RangeTestResult r = DjlRangeTest.run(s, data.train(), test, OptimizerConfig.defaults("sgd"), 500, 5, null);
      double lower = r.suggestion().lower();
      double upper = r.suggestion().upper();
      assertTrue(lower >= 1e-4 && upper <= 10 && lower <= upper, r.suggestion().toString());
    }
  }
}
