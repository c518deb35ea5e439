package org.clr4j.dl4j.rangetest;

import org.clr4j.Checks;
import org.clr4j.rangetest.Evaluation;
import org.clr4j.rangetest.Probe;
import org.clr4j.rangetest.RangeTest;
import org.clr4j.rangetest.RangeTestResult;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * Runs a learning-rate range test on a DL4J {@link MultiLayerNetwork} or {@link ComputationGraph} and leaves it
 * exactly as it found it.
 *
 * <ul>
 *   <li><b>Untouched network.</b> The test trains a copy: the network's configuration cloned, every layer's updater
 *   replaced by {@code updater} following the rate under test, parameters copied. The network's parameters
 *   (batch-norm statistics included), updater state, iteration and epoch counts and listeners are never written,
 *   so they are bitwise what they were, also when a step throws or the loss diverges.</li>
 *   <li><b>Momentum.</b> DL4J's {@code Nesterovs} keeps the learning rate inside its velocity
 *   ({@code v = m·v − lr·g}): raising the rate step after step would leave the old, smaller rates in the velocity
 *   and make every step lag behind the rate under test. Before each step the copy's velocity is rescaled by
 *   {@code lr/lrPrevious}, which makes the step exactly PyTorch's SGD with Nesterov momentum
 *   ({@code buf = m·buf + g}, lr outside), as in clr4j-djl's range test. Adam keeps the rate outside its state.</li>
 *   <li><b>Data.</b> Batches come from {@code train} (reset when exhausted); afterwards {@code train} and
 *   {@code validation} are reset, so the training that follows starts at the first batch.</li>
 * </ul>
 */
public final class Dl4jRangeTest {
  private Dl4jRangeTest() {}

  /**
   * Runs {@code test} on {@code net}.
   *
   * @param train the batches to train on
   * @param validation held-out batches for the accuracy the test watches ({@code evalEvery}), or null for none
   * @param updater the updater of the test's steps (e.g. {@code new Nesterovs(0.9)}, {@code new Sgd()},
   *     {@code new Adam()}); its own learning rate is ignored
   * @param listener called after each step, or null
   */
  public static RangeTestResult run(MultiLayerNetwork net, DataSetIterator train, DataSetIterator validation,
      RangeTest test, IUpdater updater, RangeTest.Listener listener) {
    Checks.notNull("net", net);
    if (net.getLayers() == null) {
      throw new IllegalArgumentException("net must be initialized (call net.init()) before a range test");
    }
    return run(new MlnCopy(net), train, validation, test, updater, listener);
  }

  /** As {@link #run(MultiLayerNetwork, DataSetIterator, DataSetIterator, RangeTest, IUpdater, RangeTest.Listener)}
   * for a graph with one input and one output. */
  public static RangeTestResult run(ComputationGraph graph, DataSetIterator train, DataSetIterator validation,
      RangeTest test, IUpdater updater, RangeTest.Listener listener) {
    Checks.notNull("graph", graph);
    if (graph.getVertices() == null) {
      throw new IllegalArgumentException("graph must be initialized (call graph.init()) before a range test");
    }
    return run(new GraphCopy(graph), train, validation, test, updater, listener);
  }

  private static RangeTestResult run(Copy copy, DataSetIterator train, DataSetIterator validation, RangeTest test,
      IUpdater updater, RangeTest.Listener listener) {
    Checks.notNull("train", train);
    Checks.notNull("test", test);
    Checks.notNull("updater", updater);
    try (Dl4jProbe probe = new Dl4jProbe(copy, train, validation, updater)) {
      return listener == null ? test.run(probe) : test.run(probe, listener);
    }
  }

  /** The rate under test; {@code clone()} returns this object so that DL4J's copies of the updater share it. */
  static final class Rate implements ISchedule {
    private static final long serialVersionUID = 1L;
    volatile double lr = 1e-3;

    @Override
    public double valueAt(int iteration, int epoch) {
      return lr;
    }

    @Override
    public ISchedule clone() {
      return this;
    }
  }

  /** The network under test behind one interface: a trainable copy of a MultiLayerNetwork or ComputationGraph. */
  private interface Copy {
    void build(IUpdater updater);

    void fit(DataSet batch);

    double score();

    double score(DataSet batch);

    double accuracy(DataSetIterator data);

    /** The copy's updater state, or null before its first step. */
    INDArray updaterState();
  }

  static final class Dl4jProbe implements Probe {
    private final Copy copy;
    private final DataSetIterator train;
    private final DataSetIterator validation;
    private final IUpdater updater;
    private final Rate rate = new Rate();
    private double previousLr = Double.NaN;

    Dl4jProbe(Copy copy, DataSetIterator train, DataSetIterator validation, IUpdater updater) {
      this.copy = copy;
      this.train = train;
      this.validation = validation;
      IUpdater u = updater.clone();
      u.setLrAndSchedule(rate.lr, rate);
      this.updater = u;
    }

    @Override
    public void begin() {
      copy.build(updater);
    }

    @Override
    public double trainStep(double lr) {
      if (updater instanceof Nesterovs && !Double.isNaN(previousLr)) {
        INDArray state = copy.updaterState();
        if (state != null) {
          state.muli(lr / previousLr);
        }
      }
      rate.lr = lr;
      previousLr = lr;
      copy.fit(nextBatch());
      return copy.score();
    }

    private DataSet nextBatch() {
      if (!train.hasNext()) {
        if (!train.resetSupported()) {
          throw new IllegalArgumentException("train (a " + train.getClass().getSimpleName() + ") ran out of "
              + "batches and cannot be reset; give it at least the range test's steps");
        }
        train.reset();
        if (!train.hasNext()) {
          throw new IllegalArgumentException("train must have at least one batch");
        }
      }
      return train.next();
    }

    @Override
    public boolean supportsEvaluation() {
      return validation != null;
    }

    @Override
    public Evaluation evaluate() {
      validation.reset();
      double lossSum = 0;
      long examples = 0;
      while (validation.hasNext()) {
        DataSet batch = validation.next();
        int n = batch.numExamples();
        lossSum += copy.score(batch) * n;
        examples += n;
      }
      validation.reset();
      double accuracy = copy.accuracy(validation);
      return new Evaluation(examples == 0 ? Double.NaN : lossSum / examples, accuracy);
    }

    @Override
    public void close() {
      // Nothing of the network to restore: only the copy was trained. Rewind the data for the training to come.
      if (train.resetSupported()) {
        train.reset();
      }
      if (validation != null && validation.resetSupported()) {
        validation.reset();
      }
    }
  }

  private static void useUpdater(Layer layer, IUpdater updater) {
    if (layer instanceof BaseLayer base) {
      base.setIUpdater(updater.clone());
      base.setBiasUpdater(null); // biases follow the same updater
    }
  }

  private static final class MlnCopy implements Copy {
    private final MultiLayerNetwork original;
    private MultiLayerNetwork copy;

    MlnCopy(MultiLayerNetwork original) {
      this.original = original;
    }

    @Override
    public void build(IUpdater updater) {
      MultiLayerConfiguration conf = original.getLayerWiseConfigurations().clone();
      for (NeuralNetConfiguration layerConf : conf.getConfs()) {
        useUpdater(layerConf.getLayer(), updater);
      }
      copy = new MultiLayerNetwork(conf);
      copy.init(original.params().dup(), false);
    }

    @Override
    public void fit(DataSet batch) {
      copy.fit(batch);
    }

    @Override
    public double score() {
      return copy.score();
    }

    @Override
    public double score(DataSet batch) {
      return copy.score((org.nd4j.linalg.dataset.DataSet) batch, false);
    }

    @Override
    public double accuracy(DataSetIterator data) {
      return copy.evaluate(data).accuracy();
    }

    @Override
    public INDArray updaterState() {
      return copy.getUpdater(false) == null ? null : copy.getUpdater(false).getStateViewArray();
    }
  }

  private static final class GraphCopy implements Copy {
    private final ComputationGraph original;
    private ComputationGraph copy;

    GraphCopy(ComputationGraph original) {
      this.original = original;
    }

    @Override
    public void build(IUpdater updater) {
      ComputationGraphConfiguration conf = original.getConfiguration().clone();
      for (GraphVertex vertex : conf.getVertices().values()) {
        if (vertex instanceof LayerVertex layerVertex) {
          useUpdater(layerVertex.getLayerConf().getLayer(), updater);
        }
      }
      copy = new ComputationGraph(conf);
      copy.init(original.params().dup(), false);
    }

    @Override
    public void fit(DataSet batch) {
      copy.fit(batch);
    }

    @Override
    public double score() {
      return copy.score();
    }

    @Override
    public double score(DataSet batch) {
      return copy.score(batch, false);
    }

    @Override
    public double accuracy(DataSetIterator data) {
      return copy.evaluate(data).accuracy();
    }

    @Override
    public INDArray updaterState() {
      return copy.getUpdater(false) == null ? null : copy.getUpdater(false).getStateViewArray();
    }
  }
}
