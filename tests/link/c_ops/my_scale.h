/* A header found through c_header_dirs. */
#ifndef MY_SCALE_H
#define MY_SCALE_H
static inline double my_scale_apply(double v) { return v * (double)MY_SCALE; }
#endif
