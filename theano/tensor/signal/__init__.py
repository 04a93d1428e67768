"""Signal processing ops: 2-d convolution of images (:mod:`.conv`) and pooling (:mod:`.pool`)."""
