package org.clr4j.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.translate.TranslateException;
import ai.djl.util.Pair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * One training step and one evaluation pass on DJL batches, split across the trainer's devices as DJL's
 * {@code EasyTrain} splits them: the range test and the training loop share these.
 */
public final class Batches {
  private Batches() {}

  /**
   * Forward, loss ({@code step}) and backward on each device's share of {@code batch}, then one optimizer update
   * ({@code trainer.step()}): one training step, however many devices.
   *
   * @return the batch's mean loss before the update (the shares' losses weighted by their sizes)
   */
  public static double trainStep(Trainer trainer, Batch batch, LossStep step) {
    return trainStep(trainer, batch, step, null);
  }

  /**
   * As {@link #trainStep(Trainer, Batch, LossStep)}, the update made by {@link #update(Trainer, Optimizer)
   * update(trainer, optimizer)}.
   *
   * @param optimizer the optimizer {@code trainer} was configured with, or null for {@code trainer.step()}
   */
  public static double trainStep(Trainer trainer, Batch batch, LossStep step, Optimizer optimizer) {
    Objects.requireNonNull(step, "step");
    double lossSum = 0;
    long samples = 0;
    float single = Float.NaN;
    try (GradientCollector collector = trainer.newGradientCollector()) {
      Batch[] shares = shares(trainer, batch);
      for (Batch share : shares) {
        NDArray loss = step.loss(trainer, share.getData(), share.getLabels());
        collector.backward(loss);
        single = loss.getFloat();
        lossSum += (double) single * share.getSize();
        samples += share.getSize();
      }
      if (shares.length == 1) {
        lossSum = single; // the share's own value, not a rounded product
        samples = 1;
      }
    }
    update(trainer, optimizer);
    return lossSum / samples;
  }

  /**
   * The optimizer update after a backward pass: what {@code trainer.step()} does, with fewer native calls where
   * the result is the same. {@code optimizer} must be the one {@code trainer} was configured with (null: just
   * {@code trainer.step()}).
   *
   * <p>DJL's {@code trainer.step()} hands each parameter's gradient to the optimizer through its parameter
   * server, which copies every gradient first (a full copy per parameter and step, made for the case of several
   * devices). With one device, on the PyTorch engine, where every parameter that needs a gradient is on that
   * device and has one, this method calls {@code optimizer.update} for each of them directly with the gradient
   * itself: the same update (the optimizer reads the gradient and zeroes it after), without the copies. In any
   * other case, e.g. several devices, a parameter the last backward pass did not reach, or another engine, it
   * calls {@code trainer.step()}. DJL's own one-time check that the first step's gradients are not all zero is
   * not made on the direct path.
   */
  public static void update(Trainer trainer, Optimizer optimizer) {
    Device[] devices = trainer.getDevices();
    if (optimizer == null || devices.length != 1) {
      trainer.step();
      return;
    }
    ParameterList parameters = trainer.getModel().getBlock().getParameters();
    String[] ids = new String[parameters.size()];
    NDArray[] weights = new NDArray[ids.length];
    NDArray[] grads = new NDArray[ids.length];
    int n = 0;
    boolean direct = true;
    try {
      for (Pair<String, Parameter> pair : parameters) {
        Parameter p = pair.getValue();
        if (!p.requiresGradient()) {
          continue;
        }
        NDArray w = p.getArray();
        NDArray g = w instanceof PtNDArray && w.getDevice().equals(devices[0])
            ? JniUtils.getGradient((PtNDArray) w) : null; // null also where the gradient is undefined
        if (g == null) {
          direct = false;
          break;
        }
        ids[n] = p.getId();
        weights[n] = w;
        grads[n++] = g;
      }
      if (!direct) {
        trainer.step();
        return;
      }
      // Autograd off once for all parameters, rather than by each update (an in-place update of a leaf that
      // requires a gradient fails while it is on).
      boolean gradMode = JniUtils.isGradMode();
      JniUtils.setGradMode(false);
      try {
        for (int i = 0; i < n; i++) {
          optimizer.update(ids[i], weights[i], grads[i]);
        }
      } finally {
        JniUtils.setGradMode(gradMode);
      }
    } finally {
      for (int i = 0; i < n; i++) {
        grads[i].close();
      }
    }
  }

  /**
   * {@code batch} split into one share per device of {@code trainer}, as DJL's {@code EasyTrain} splits it; the
   * batch itself when the trainer has one device.
   */
  public static Batch[] shares(Trainer trainer, Batch batch) {
    Device[] devices = trainer.getDevices();
    return devices.length == 1 ? new Batch[] {batch} : batch.split(devices, false);
  }

  /** Where batches come from: a DJL dataset's {@code getData}, or a trainer's {@code iterateDataset}. */
  @FunctionalInterface
  public interface Source {
    Iterable<Batch> batches() throws IOException, TranslateException;
  }

  /**
   * The batches of {@code source}, its checked failures turned unchecked with {@code what} (e.g. "the test data")
   * in the message: an {@link UncheckedIOException} for I/O, an {@link IllegalStateException} for translation.
   */
  public static Iterable<Batch> read(String what, Source source) {
    try {
      return source.batches();
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + what + ": " + e.getMessage(), e);
    } catch (TranslateException e) {
      throw new IllegalStateException("reading " + what + ": " + e.getMessage(), e);
    }
  }

  /** {@code model}, checked to have a block: what the range test and the loop are built on. */
  public static ai.djl.Model withBlock(ai.djl.Model model) {
    Objects.requireNonNull(model, "model");
    if (model.getBlock() == null) {
      throw new IllegalArgumentException("model (" + model.getName() + ") has no block; call setBlock first");
    }
    return model;
  }

  /** A copy of {@code devices}, checked to name at least one. */
  public static Device[] devices(Device... devices) {
    Objects.requireNonNull(devices, "devices");
    if (devices.length == 0) {
      throw new IllegalArgumentException("devices (none) must name at least one device");
    }
    return devices.clone();
  }

  /** Mean loss and accuracy over a pass of a dataset. */
  public record Evaluation(double loss, double accuracy, long samples) {}

  /**
   * Evaluates the trainer's model in inference mode (batch norm uses its running statistics) on {@code batches}:
   * the mean loss, weighted by batch size, and the accuracy of the first output's arg-max over its last axis
   * against the first label (a classification model). Closes each batch.
   */
  public static Evaluation evaluate(Trainer trainer, Iterable<Batch> batches) {
    double lossSum = 0;
    long correct = 0;
    long samples = 0;
    for (Batch batch : batches) {
      try (batch) {
        for (Batch share : shares(trainer, batch)) {
          NDList out = trainer.evaluate(share.getData());
          NDList labels = share.getLabels();
          int count = share.getSize();
          lossSum += trainer.getLoss().evaluate(labels, out).getFloat() * (double) count;
          NDArray predicted = out.head().argMax(-1);
          correct += predicted.eq(labels.head().toType(DataType.INT64, false)).sum().getLong();
          samples += count;
        }
      }
    }
    if (samples == 0) {
      throw new IllegalArgumentException("the evaluation dataset yielded no samples");
    }
    return new Evaluation(lossSum / samples, (double) correct / samples, samples);
  }
}
