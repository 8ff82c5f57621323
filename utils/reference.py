"""Published numbers the notebooks compare against, each with the setting it was measured in.

One copy for every notebook that cites them (notebooks 02, 04 and 06), so a number is
typed once and its source and protocol travel with it.
"""

from __future__ import annotations

__all__ = ["BURDA_2016_VAE_NLL", "HINTON_2006_SSE", "RUFF_2018_DCAE_AUROC", "RUFF_2018_DEEP_SVDD_AUROC"]

#: Hinton & Salakhutdinov (2006), Science 313, fig. 2: MNIST test reconstruction error
#: (squared error summed over the 784 pixels, mean over test images) with 30 dimensions.
#: The deep autoencoder is 784-1000-500-250-30, pre-trained layer by layer as RBMs, then
#: fine-tuned as a whole (notebook 02).
HINTON_2006_SSE = {"PCA": 13.87, "логистический PCA": 8.01, "глубокий AE": 3.00}

#: Burda, Grosse & Salakhutdinov (ICLR 2016), "Importance Weighted Autoencoders", table 1:
#: −log p(x) in nats of a VAE (k = 1) with one stochastic layer on dynamically binarised MNIST,
#: estimated with k = 5000 importance samples on the 10 000 test images, and its number of active
#: latent units (Var_x E[z_j | x] > 0.01). Protocol of the published code (github.com/yburda/iwae):
#: 59 600 training images (400 for validation), binarised anew at every use; encoder 784-200-200-50
#: and decoder 50-200-200-784 with tanh, 50 latent units; Adam with ε = 1e-4, batch 20, learning
#: rate 1e-3 falling to 1e-4 in 8 stages of 3^i passes, 3280 passes in all; no KL warm-up (notebook 06).
BURDA_2016_VAE_NLL = {
    "nats": 86.76,
    "k": 5000,
    "epochs": 3280,
    "active_units": 19,
    "latent_dim": 50,
    "hidden": (200, 200),
    "activation": "tanh",
    "batch_size": 20,
    "train_images": 59600,
}

#: Ruff et al. (ICML 2018), "Deep One-Class Classification", table 1, MNIST: AUROC (%) as
#: (mean, standard deviation) over 10 seeds, one digit as the normal class (index = digit), the
#: other nine as anomalies. Their protocol: trained on all training images of the normal digit,
#: tested on the whole MNIST test set; images preprocessed by global contrast normalisation (l1)
#: and min-max scaling; a LeNet-type CNN with a 32-dimensional representation (notebook 04).
#: One-class Deep SVDD: maps normal images close to a fixed centre c; score = distance to c.
RUFF_2018_DEEP_SVDD_AUROC = (
    (98.0, 0.7), (99.7, 0.1), (91.7, 0.8), (91.9, 1.5), (94.9, 0.8),
    (88.5, 0.9), (98.3, 0.5), (94.6, 0.9), (93.9, 1.6), (96.5, 0.3),
)  # fmt: skip

#: The same table's DCAE column: a convolutional autoencoder with Deep SVDD's encoder and a mirrored
#: decoder, trained on the normal digit; score = squared reconstruction error (notebook 04).
RUFF_2018_DCAE_AUROC = (
    (97.6, 0.7), (98.3, 0.6), (85.4, 2.4), (86.7, 0.9), (86.5, 2.0),
    (78.2, 2.7), (94.6, 0.5), (92.3, 1.0), (86.5, 1.6), (90.4, 1.8),
)  # fmt: skip
