"""Neural-network ops: activations, softmax and cross-entropies (``T.nnet``)."""
from theano.tensor.nnet.basic import (  # noqa: F401
    ConfusionMatrix, CrossentropyCategorical1Hot, CrossentropyCategorical1HotGrad,
    CrossentropySoftmax1HotWithBiasDx, CrossentropySoftmaxArgmax1HotWithBias, LogSoftmax,
    NNetInputError, ScalarSoftsign, Softmax, SoftmaxGrad, SoftmaxWithBias,
    binary_crossentropy, categorical_crossentropy, confusion_matrix,
    crossentropy_categorical_1hot, crossentropy_categorical_1hot_grad,
    crossentropy_softmax_1hot, crossentropy_softmax_1hot_with_bias,
    crossentropy_softmax_1hot_with_bias_dx, crossentropy_softmax_argmax_1hot_with_bias,
    crossentropy_softmax_max_and_argmax_1hot,
    crossentropy_softmax_max_and_argmax_1hot_with_bias, elu, log_softmax, logsoftmax,
    logsoftmax_op, relu, scalar_softsign, selu, sigmoid_binary_crossentropy, softmax,
    softmax_graph, softmax_grad, softmax_op, softmax_with_bias, softsign)
from theano.tensor.nnet.sigm import (  # noqa: F401
    hard_sigmoid, log1mexp, scalar_sigmoid, scalar_softplus, sigmoid, sigmoid_inplace,
    softplus, ultra_fast_scalar_sigmoid, ultra_fast_sigmoid, ultra_fast_sigmoid_inplace)
from theano.tensor.nnet import basic_grad  # noqa: F401,E402  (gradient rules, registered on import)
from theano.tensor.nnet import abstract_conv, bn, conv, neighbours, nnet  # noqa: F401,E402
from theano.tensor.nnet import conv3d2d  # noqa: F401,E402
from theano.tensor.nnet.abstract_conv import conv2d as abstract_conv2d  # noqa: F401,E402
from theano.tensor.nnet.abstract_conv import (conv2d_grad_wrt_inputs, conv3d,  # noqa: F401,E402
                                              separable_conv2d)
from theano.tensor.nnet.bn import batch_normalization  # noqa: F401,E402
from theano.tensor.nnet.conv import ConvOp  # noqa: F401,E402
from theano.tensor.nnet.conv_api import conv2d, conv2d_transpose  # noqa: F401,E402
from theano.tensor.nnet.neighbours import images2neibs, neibs2images  # noqa: F401,E402
from theano.tensor.nnet.nnet import (  # noqa: F401,E402
    Prepend_scalar_constant_to_each_row, Prepend_scalar_to_each_row, h_softmax,
    prepend_0_to_each_row, prepend_1_to_each_row, prepend_scalar_to_each_row)
