package org.clr4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.clr4j.schedule.Schedule;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.ScheduleType;

class ClrScheduleTest {
  private static final Schedule ONE_CYCLE = Schedule.parse("onecycle(max=0.1, total=100)");

  @Test
  void momentumNeedsAScheduleThatCyclesMomentum() {
    Schedule noMomentum = Schedule.parse("triangular(base=0.001, max=0.006, up=20)");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClrSchedule.momentum(noMomentum));
    assertTrue(e.getMessage().startsWith("schedule (triangular(base=0.001, max=0.006, up=20)) must cycle momentum"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ClrSchedule.learningRate(null));
    assertThrows(IllegalArgumentException.class, () -> ClrSchedule.learningRate(ONE_CYCLE, null));
  }

  @Test
  void negativeCountersAreRejectedByTheSchedule() {
    assertThrows(IllegalArgumentException.class, () -> ClrSchedule.learningRate(ONE_CYCLE).valueAt(-1, 0));
  }

  @Test
  void survivesJavaSerializationAsSparkShipsIt() throws Exception {
    ClrSchedule momentum = ClrSchedule.momentum(ONE_CYCLE, ScheduleType.EPOCH);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(momentum);
    }
    ClrSchedule back;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      back = (ClrSchedule) in.readObject();
    }
    assertEquals(momentum, back);
    for (int e = 0; e < 120; e++) {
      assertEquals(ONE_CYCLE.momentumAt(e), back.valueAt(0, e));
    }
  }

  @Test
  void dl4jsJsonHoldsTheSpec() {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .updater(new Sgd(ClrSchedule.learningRate(ONE_CYCLE))).list()
        .layer(new OutputLayer.Builder().nIn(2).nOut(2).activation(Activation.SOFTMAX).build()).build();
    String json = conf.toJson();
    assertTrue(json.contains("\"@class\" : \"org.clr4j.dl4j.ClrSchedule\""), json);
    assertTrue(json.contains("\"spec\" : \"" + ONE_CYCLE + "\""), json);
    assertTrue(json.contains("\"value\" : \"LEARNING_RATE\""), json);
    assertTrue(json.contains("\"scheduleType\" : \"ITERATION\""), json);
  }

  @Test
  void cloneIsTheImmutableObjectItself() {
    ClrSchedule lr = ClrSchedule.learningRate(ONE_CYCLE);
    assertSame(lr, lr.clone());
    assertEquals("ClrSchedule(LEARNING_RATE of " + ONE_CYCLE + ", per ITERATION)", lr.toString());
  }
}
