package org.clr4j.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.clr4j.Checks;
import org.clr4j.data.Dataset;
import org.clr4j.djl.train.SparseSoftmaxCrossEntropy;
import org.clr4j.reference.ReferenceModel;

/**
 * The step the step benchmarks time (StepProbe, StepOverheadBenchmark): a reference model with its trainer, one
 * training step on a mini-batch written into reused direct buffers, evaluation on held-out data. Bench-only; the
 * training loop itself ({@code org.clr4j.djl.train.TrainingLoop}) gathers its batches from a DJL dataset. Owns every
 * native resource it creates; close it.
 *
 * <p>Each step builds its batch in a sub-manager that is closed at the end of the step, so no NDArray outlives it
 * and memory stays flat over long runs.
 */
public final class StepSession implements AutoCloseable {
  private final Model model;
  private final Trainer trainer;
  private final int[] sampleShape;
  private final int featureCount;
  private final int batchSize;
  private final float[] batchFeatures;
  private final int[] batchLabels;
  // Native-order direct buffers the step's input arrays are made from: the engine reads them in place (CPU) or
  // copies them (GPU), where NDManager.create(float[]) allocates and zeroes a fresh direct buffer every step.
  private final ByteBuffer featureBuffer;
  private final ByteBuffer labelBuffer;
  private final boolean ownsModel;

  private StepSession(Model model, Trainer trainer, int[] sampleShape, int batchSize, boolean ownsModel) {
    this.model = model;
    this.ownsModel = ownsModel;
    this.trainer = trainer;
    this.sampleShape = sampleShape.clone();
    int count = 1;
    for (int d : sampleShape) {
      count *= d;
    }
    this.featureCount = count;
    this.batchSize = batchSize;
    this.batchFeatures = new float[batchSize * count];
    this.batchLabels = new int[batchSize];
    this.featureBuffer = ByteBuffer.allocateDirect(batchSize * count * Float.BYTES).order(ByteOrder.nativeOrder());
    this.labelBuffer = ByteBuffer.allocateDirect(batchSize * Long.BYTES).order(ByteOrder.nativeOrder());
  }

  /**
   * A fresh model {@code modelName} for data shaped like {@code data}, initialized from {@code seed}, trained by
   * {@code optimizer} with softmax cross-entropy.
   */
  public static StepSession create(String modelName, Dataset data, int batchSize, Optimizer optimizer, long seed) {
    Checks.atLeast("batchSize", batchSize, 1);
    Checks.notNull("optimizer", optimizer);
    Block block = ReferenceModel.fromName(modelName).build(data.sampleShape(), data.numClasses());
    Engine.getEngine("PyTorch").setRandomSeed((int) seed);
    Model model = Model.newInstance(modelName, "PyTorch");
    try {
      model.setBlock(block);
      Trainer trainer = model.newTrainer(trainingConfig(optimizer));
      trainer.initialize(ReferenceModel.inputShape(batchSize, data.sampleShape()));
      return new StepSession(model, trainer, data.sampleShape(), batchSize, true);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  private static DefaultTrainingConfig trainingConfig(Optimizer optimizer) {
    // No training listeners: DJL's default ones compute metrics every step, which costs throughput.
    return new DefaultTrainingConfig(new SparseSoftmaxCrossEntropy()).optOptimizer(optimizer);
  }

  /**
   * A second trainer on the same parameters, with its own optimizer: steps taken through it leave this session's
   * optimizer state untouched. The range test uses it.
   */
  public StepSession withOptimizer(Optimizer optimizer) {
    Trainer other = model.newTrainer(trainingConfig(optimizer));
    return new StepSession(model, other, sampleShape, batchSize, false);
  }

  /**
   * How many NDArrays the model's manager tree holds now: constant from step to step when nothing leaks. For tests
   * and diagnostics.
   */
  public int liveArrays() {
    return model.getNDManager().getManagedArrays().size();
  }

  /** The maximum batch size this session was built for. */
  public int batchSize() {
    return batchSize;
  }

  /** The model, e.g. to save its parameters. */
  public Model model() {
    return model;
  }

  /**
   * One optimizer step on samples {@code order[from] … order[from+count-1]} of {@code data}.
   *
   * @return the mini-batch's mean loss before the step
   */
  public float trainStep(Dataset data, int[] order, int from, int count) {
    if (count > batchSize) {
      throw new IllegalArgumentException("count (" + count + ") must be <= batchSize (" + batchSize + ")");
    }
    data.gather(order, from, count, batchFeatures, batchLabels);
    float loss;
    try (NDManager batch = trainer.getManager().newSubManager()) {
      NDList x = new NDList(features(batch, count));
      NDList y = new NDList(labels(batch, count));
      try (GradientCollector collector = trainer.newGradientCollector()) {
        NDArray lossArray = trainer.getLoss().evaluate(y, trainer.forward(x));
        collector.backward(lossArray);
        loss = lossArray.getFloat();
      }
      trainer.step();
    }
    return loss;
  }

  // The buffers are rewritten only here, at the start of a step: the previous step's arrays that read them were
  // closed with its sub-manager, autograd's saved tensors included.
  private NDArray features(NDManager manager, int count) {
    featureBuffer.clear();
    featureBuffer.asFloatBuffer().put(batchFeatures, 0, count * featureCount);
    featureBuffer.limit(count * featureCount * Float.BYTES);
    return manager.create(featureBuffer, ReferenceModel.inputShape(count, sampleShape), DataType.FLOAT32);
  }

  private NDArray labels(NDManager manager, int count) {
    labelBuffer.clear();
    LongBuffer labels = labelBuffer.asLongBuffer();
    for (int i = 0; i < count; i++) {
      labels.put(batchLabels[i]);
    }
    labelBuffer.limit(count * Long.BYTES);
    return manager.create(labelBuffer, new Shape(count), DataType.INT64); // gather's index type: no conversion
  }

  /** Mean loss and accuracy on {@code data} (inference mode: batch norm uses its running statistics). */
  public Evaluation evaluate(Dataset data, int evalBatchSize) {
    Checks.atLeast("evalBatchSize", evalBatchSize, 1);
    int n = data.size();
    int[] identity = new int[n];
    for (int i = 0; i < n; i++) {
      identity[i] = i;
    }
    float[] xs = new float[evalBatchSize * featureCount];
    int[] ys = new int[evalBatchSize];
    double lossSum = 0;
    long correct = 0;
    for (int from = 0; from < n; from += evalBatchSize) {
      int count = Math.min(evalBatchSize, n - from);
      data.gather(identity, from, count, xs, ys);
      try (NDManager batch = trainer.getManager().newSubManager()) {
        NDArray x = batch.create(count == evalBatchSize ? xs : java.util.Arrays.copyOf(xs, count * featureCount),
            ReferenceModel.inputShape(count, sampleShape));
        NDArray y = batch.create(count == evalBatchSize ? ys : java.util.Arrays.copyOf(ys, count), new Shape(count));
        NDList out = trainer.evaluate(new NDList(x));
        lossSum += trainer.getLoss().evaluate(new NDList(y), out).getFloat() * (double) count;
        correct += out.singletonOrThrow().argMax(1).toType(DataType.INT32, false).eq(y).sum().getLong();
      }
    }
    return new Evaluation(lossSum / n, (double) correct / n);
  }

  /** Held-out mean loss and accuracy. */
  public record Evaluation(double loss, double accuracy) {}

  /** Independent copies of every parameter (batch-norm running statistics included), keyed by name. */
  public ParameterSnapshot snapshotParameters() {
    NDManager owner = trainer.getManager().getParentManager().newSubManager();
    Map<String, NDArray> copies = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
      NDArray copy = p.getValue().getArray().duplicate();
      copy.attach(owner);
      copies.put(p.getKey(), copy);
    }
    return new ParameterSnapshot(owner, copies);
  }

  /**
   * Writes the snapshot's values back into the live parameter arrays, in place, so that the trainer's parameter
   * store and any other holder of those arrays see the restored values.
   */
  public void restoreParameters(ParameterSnapshot snapshot) {
    for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
      NDArray copy = snapshot.arrays().get(p.getKey());
      if (copy == null) {
        throw new IllegalArgumentException("snapshot has no parameter '" + p.getKey() + "'");
      }
      p.getValue().getArray().set(new NDIndex("..."), copy);
    }
  }

  /** Parameter copies owned by one NDManager; close to free them. */
  public record ParameterSnapshot(NDManager owner, Map<String, NDArray> arrays) implements AutoCloseable {
    /** Whether every array equals {@code other}'s bit for bit. */
    public boolean bitwiseEquals(ParameterSnapshot other) {
      if (!arrays.keySet().equals(other.arrays.keySet())) {
        return false;
      }
      for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
        if (!java.util.Arrays.equals(e.getValue().toByteArray(), other.arrays.get(e.getKey()).toByteArray())) {
          return false;
        }
      }
      return true;
    }

    @Override
    public void close() {
      owner.close();
    }
  }

  @Override
  public void close() {
    trainer.close();
    if (ownsModel) {
      model.close();
    }
  }
}
