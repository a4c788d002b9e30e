#include "ghost_kernels.h"
