package org.clr4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.Trainer;

/**
 * How one training step computes its loss: the forward pass and the loss of one device's share of a batch. clr4j
 * runs the backward pass and the optimizer update around it. The default, {@link #DEFAULT}, is what DJL's
 * {@code EasyTrain} does: {@code trainer.getLoss().evaluate(labels, trainer.forward(data, labels))}. Supply your own
 * for a model with several inputs, a loss that needs more than predictions and labels, or a regularization term:
 *
 * <pre>{@code
 * LossStep twoInputs = (trainer, data, labels) -> {
 *   NDList out = trainer.forward(new NDList(data.get(0), data.get(1)), labels);
 *   return trainer.getLoss().evaluate(labels, out).add(out.get(1).square().mean().mul(1e-3));
 * };
 * }</pre>
 *
 * <p>The returned array must be a scalar (the mean loss of the share) computed with gradient recording on, i.e.
 * from {@code trainer.forward}; it is created in the batch's memory scope and closed with it.
 */
@FunctionalInterface
public interface LossStep {

  /** DJL's own step: the trainer's loss on the trainer's forward pass. */
  LossStep DEFAULT = (trainer, data, labels) -> trainer.getLoss().evaluate(labels, trainer.forward(data, labels));

  /**
   * The loss of {@code data} against {@code labels}, both already on one of the trainer's devices.
   *
   * @param trainer the trainer that runs the step (its block, parameters and loss)
   */
  NDArray loss(Trainer trainer, NDList data, NDList labels);
}
