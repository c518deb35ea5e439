package org.clr4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.clr4j.schedule.RandomSchedules;
import org.clr4j.schedule.Schedule;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * The adapters give DL4J exactly the core schedule's values, for schedules of every kind, before and after a
 * network is saved with {@code ModelSerializer} and restored (training on after the restore is in
 * {@link ModelSerializerRoundTripTest}).
 */
class ClrSchedulePropertiesTest {
  private static final int EVERY_STEP_UP_TO = 3000;

  @Provide
  Arbitrary<Schedule> schedules() {
    return RandomSchedules.any();
  }

  @Provide
  Arbitrary<Integer> anyIteration() {
    return Arbitraries.integers().between(0, Integer.MAX_VALUE);
  }

  @Property
  void equalsTheScheduleAtEveryIterationBeforeAndAfterAModelSerializerRoundTrip(
      @ForAll("schedules") Schedule schedule, @ForAll("anyIteration") int far) throws IOException {
    ClrSchedule lr = ClrSchedule.learningRate(schedule);
    ClrSchedule momentum = schedule.hasMomentum() ? ClrSchedule.momentum(schedule) : null;
    Nesterovs updater = momentum == null ? new Nesterovs(lr, 0.9) : new Nesterovs(lr, momentum);
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().updater(updater).list()
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(3).nOut(2)
            .activation(Activation.SOFTMAX).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    ByteArrayOutputStream saved = new ByteArrayOutputStream();
    ModelSerializer.writeModel(net, saved, true);
    MultiLayerNetwork restored =
        ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(saved.toByteArray()), true);
    Nesterovs after =
        (Nesterovs) ((BaseLayer) restored.getLayerWiseConfigurations().getConf(0).getLayer()).getIUpdater();
    assertEquals(lr, after.getLearningRateSchedule());

    for (int i = 0; i <= EVERY_STEP_UP_TO; i++) {
      checkAt(schedule, lr, momentum, after, i);
    }
    checkAt(schedule, lr, momentum, after, far);
  }

  private static void checkAt(Schedule schedule, ClrSchedule lr, ClrSchedule momentum, Nesterovs after, int i) {
    int epoch = i % 7; // DL4J's epoch must not matter to a per-iteration schedule
    double expectedLr = schedule.valueAt(i);
    assertEquals(expectedLr, lr.valueAt(i, epoch), "lr at " + i);
    assertEquals(expectedLr, after.getLearningRate(i, epoch), "lr at " + i + " after the round trip");
    if (momentum != null) {
      double expectedMomentum = schedule.momentumAt(i);
      assertEquals(expectedMomentum, momentum.valueAt(i, epoch), "momentum at " + i);
      assertEquals(expectedMomentum, after.currentMomentum(i, epoch), "momentum at " + i + " after the round trip");
    }
  }

  @Property
  void perEpochAdaptersFollowTheEpochCount(@ForAll("schedules") Schedule schedule) {
    ClrSchedule lr = ClrSchedule.learningRate(schedule, ScheduleType.EPOCH);
    for (int epoch = 0; epoch < 200; epoch++) {
      assertEquals(schedule.valueAt(epoch), lr.valueAt(epoch * 1000 + 3, epoch));
    }
  }
}
