package org.clr4j.reference;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import org.clr4j.data.Dataset;

/** Makes initialized reference models on the PyTorch engine. */
final class Models {
  private Models() {}

  /**
   * A new model {@code model} for data shaped like {@code data}, its parameters initialized from {@code seed} on
   * {@code device} (null: the engine's default device).
   */
  static Model initialized(ReferenceModel model, Dataset data, int batchSize, long seed, Device device) {
    // Seeded before anything draws from the engine's generator, so every run with this seed starts alike.
    Engine.getEngine("PyTorch").setRandomSeed((int) seed);
    Model m = uninitialized(model, data, device);
    try {
      m.getBlock().initialize(m.getNDManager(), DataType.FLOAT32,
          ReferenceModel.inputShape(batchSize, data.sampleShape()));
      return m;
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /** A new, uninitialized model (the training loop initializes it with its seed). */
  static Model uninitialized(ReferenceModel model, Dataset data, Device device) {
    Model m = device == null ? Model.newInstance(model.cliName(), "PyTorch")
        : Model.newInstance(model.cliName(), device, "PyTorch");
    try {
      m.setBlock(model.build(data.sampleShape(), data.numClasses()));
      return m;
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }
}
