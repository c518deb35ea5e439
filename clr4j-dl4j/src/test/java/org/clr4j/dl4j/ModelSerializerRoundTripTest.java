package org.clr4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.clr4j.schedule.Schedule;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;

/** A network saved with ModelSerializer and restored continues with the same schedule, value for value. */
class ModelSerializerRoundTripTest {
  private static final Schedule ONE_CYCLE =
      Schedule.parse("onecycle(max=0.05, total=40, pct=0.25, momentum=0.85:0.95)");
  private static final Schedule TRIANGULAR2 = Schedule.parse("triangular2(base=0.001, max=0.01, up=4)");

  static Stream<Arguments> updaters() {
    return Stream.of(
        Arguments.of("nesterovs (1cycle, cycled momentum)", (Supplier<NeuralNetConfiguration.Builder>)
            NeuralNetConfiguration.Builder::new,
            new Nesterovs(ClrSchedule.learningRate(ONE_CYCLE), ClrSchedule.momentum(ONE_CYCLE)), ONE_CYCLE),
        Arguments.of("sgd (triangular2)", (Supplier<NeuralNetConfiguration.Builder>) NeuralNetConfiguration.Builder::new,
            new Sgd(ClrSchedule.learningRate(TRIANGULAR2)), TRIANGULAR2),
        Arguments.of("adam (1cycle)", (Supplier<NeuralNetConfiguration.Builder>) NeuralNetConfiguration.Builder::new,
            new Adam(ClrSchedule.learningRate(ONE_CYCLE)), ONE_CYCLE),
        // AdamW: Adam with decoupled weight decay, which DL4J scales by the updater's current rate (applyLR).
        Arguments.of("adamw (1cycle)", (Supplier<NeuralNetConfiguration.Builder>)
            () -> new NeuralNetConfiguration.Builder().weightDecay(0.01, true),
            new Adam(ClrSchedule.learningRate(ONE_CYCLE)), ONE_CYCLE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("updaters")
  void restoredNetworkContinuesWithTheSameScheduleValueForValue(String name,
      Supplier<NeuralNetConfiguration.Builder> builder, IUpdater updater, Schedule schedule) throws IOException {
    List<DataSet> batches = Nets.randomBatches(12, 5, DataType.FLOAT);
    MultiLayerNetwork net = Nets.tiny(builder.get(), updater, DataType.FLOAT);
    for (int i = 0; i < 7; i++) {
      net.fit(batches.get(i));
    }
    ByteArrayOutputStream saved = new ByteArrayOutputStream();
    ModelSerializer.writeModel(net, saved, true);
    MultiLayerNetwork restored =
        ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(saved.toByteArray()), true);

    assertEquals(7, restored.getIterationCount(), name);
    for (int layer = 0; layer < 2; layer++) {
      IUpdater before = ((BaseLayer) net.getLayerWiseConfigurations().getConf(layer).getLayer()).getIUpdater();
      IUpdater after = ((BaseLayer) restored.getLayerWiseConfigurations().getConf(layer).getLayer()).getIUpdater();
      for (int it = 0; it < 60; it++) {
        assertEquals(schedule.valueAt(it), after.getLearningRate(it, 0), name + " lr at " + it);
        assertEquals(before.getLearningRate(it, 0), after.getLearningRate(it, 0));
        if (after instanceof Nesterovs n) {
          assertEquals(schedule.momentumAt(it), n.currentMomentum(it, 0), name + " momentum at " + it);
        }
      }
    }
    // Training on continues identically, bit for bit: same rates, same updater state.
    for (int i = 7; i < 12; i++) {
      net.fit(batches.get(i));
      restored.fit(batches.get(i));
    }
    assertArrayEquals(Nets.bits(net.params()), Nets.bits(restored.params()), name);
    assertEquals(12, restored.getIterationCount());
  }

  @Test
  void theIterationCountIsTheStepAndStartsAtZeroAcrossEpochs() {
    // DOUBLE so that the measured rate is exact to ~1e-12.
    Schedule schedule = Schedule.parse("triangular2(base=0.01, max=0.2, up=3)");
    MultiLayerNetwork net = Nets.tiny(new NeuralNetConfiguration.Builder(),
        new Sgd(ClrSchedule.learningRate(schedule)), DataType.DOUBLE);
    List<DataSet> batches = Nets.randomBatches(5, 9, DataType.DOUBLE);
    int step = 0;
    for (int epoch = 0; epoch < 4; epoch++) {
      for (DataSet batch : batches) {
        double applied = Nets.fitAndMeasureRate(net, batch);
        assertEquals(schedule.valueAt(step), applied, 1e-9 * schedule.valueAt(step), "step " + step);
        step++;
      }
      net.incrementEpochCount(); // what fit(DataSetIterator) does after each epoch: the iteration count goes on
    }
    assertEquals(20, net.getIterationCount());
  }
}
