/*===- run_model.c - load a compiled model and run it with the qrt C API ---===*
 *
 *   qrt-run-model model.so [--threads N] [--iters N]
 *
 * Opens the model, prints its inputs and outputs, fills every input with a
 * deterministic pattern, runs it `iters` times (reporting the mean time) and
 * prints the first values of every output. Exits 1 on any error, with the
 * runtime's message.
 *===----------------------------------------------------------------------===*/

#include "qrt/qrt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void printShape(const qrt_tensor_desc *d) {
  printf("%s [", qrt_dtype_name(d->dtype));
  for (int32_t i = 0; i < d->rank; ++i)
    printf(i ? ", %lld" : "%lld", (long long)d->shape[i]);
  printf("]");
}

/* A qrt_tensor matching `d`, with freshly allocated data. */
static int makeTensor(const qrt_tensor_desc *d, qrt_tensor *t) {
  uint64_t bytes = qrt_tensor_desc_bytes(d);
  memset(t, 0, sizeof *t);
  t->dtype = d->dtype;
  t->rank = d->rank;
  for (int32_t i = 0; i < d->rank; ++i)
    t->shape[i] = d->shape[i];
  t->data = malloc(bytes ? (size_t)bytes : 1);
  return t->data != NULL;
}

/* Element i of an input: small values that exercise every dtype. */
static void fill(qrt_tensor *t, uint64_t count) {
  for (uint64_t i = 0; i < count; ++i) {
    int v = (int)(i % 17) - 8;
    switch (t->dtype) {
    case QRT_DTYPE_F32:
      ((float *)t->data)[i] = (float)v * 0.125f;
      break;
    case QRT_DTYPE_I64:
      ((int64_t *)t->data)[i] = v;
      break;
    case QRT_DTYPE_I32:
      ((int32_t *)t->data)[i] = v;
      break;
    case QRT_DTYPE_I8:
      ((int8_t *)t->data)[i] = (int8_t)v;
      break;
    case QRT_DTYPE_U8:
      ((uint8_t *)t->data)[i] = (uint8_t)(v + 8);
      break;
    case QRT_DTYPE_BOOL:
      ((uint8_t *)t->data)[i] = (uint8_t)(i & 1);
      break;
    }
  }
}

static void printValues(const qrt_tensor *t, uint64_t count) {
  for (uint64_t i = 0; i < count && i < 8; ++i) {
    switch (t->dtype) {
    case QRT_DTYPE_F32:
      printf(" %g", ((const float *)t->data)[i]);
      break;
    case QRT_DTYPE_I64:
      printf(" %lld", (long long)((const int64_t *)t->data)[i]);
      break;
    case QRT_DTYPE_I32:
      printf(" %d", ((const int32_t *)t->data)[i]);
      break;
    case QRT_DTYPE_I8:
      printf(" %d", ((const int8_t *)t->data)[i]);
      break;
    default:
      printf(" %u", ((const uint8_t *)t->data)[i]);
      break;
    }
  }
  printf(count > 8 ? " ...\n" : "\n");
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  const char *path = NULL;
  qrt_options options = {0};
  int iters = 1;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--threads") && i + 1 < argc)
      options.num_threads = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--iters") && i + 1 < argc)
      iters = atoi(argv[++i]);
    else if (!path && argv[i][0] != '-')
      path = argv[i];
    else
      path = NULL, i = argc;
  }
  if (!path || iters < 1) {
    fprintf(stderr, "usage: %s model.so [--threads N] [--iters N]\n", argv[0]);
    return 2;
  }

  qrt_model *model;
  char error[1024];
  qrt_status status =
      qrt_model_open(path, &options, &model, error, sizeof error);
  if (status != QRT_OK) {
    fprintf(stderr, "error (%s): %s\n", qrt_status_string(status), error);
    return 1;
  }
  const qrt_model_desc *desc = qrt_model_description(model);
  printf("model '%s' for %s, by %s, on %d threads\n", desc->model_name,
         desc->target, desc->producer, qrt_model_num_threads(model));

  int32_t numInputs = qrt_model_num_inputs(model);
  int32_t numOutputs = qrt_model_num_outputs(model);
  qrt_tensor *inputs = calloc((size_t)numInputs + 1, sizeof(qrt_tensor));
  qrt_tensor *outputs = calloc((size_t)numOutputs + 1, sizeof(qrt_tensor));
  int ok = inputs && outputs;
  for (int32_t i = 0; ok && i < numInputs; ++i) {
    const qrt_tensor_desc *d = qrt_model_input(model, i);
    printf("input %d '%s': ", i, d->name);
    printShape(d);
    printf("\n");
    ok = makeTensor(d, &inputs[i]);
    if (ok)
      fill(&inputs[i], qrt_tensor_desc_bytes(d) / qrt_dtype_size(d->dtype));
  }
  for (int32_t i = 0; ok && i < numOutputs; ++i) {
    const qrt_tensor_desc *d = qrt_model_output(model, i);
    printf("output %d '%s': ", i, d->name);
    printShape(d);
    printf("\n");
    ok = makeTensor(d, &outputs[i]);
  }
  if (!ok) {
    fprintf(stderr, "error: out of memory\n");
    return 1;
  }

  double start = now();
  for (int iter = 0; iter < iters && status == QRT_OK; ++iter)
    status = qrt_model_run(model, inputs, outputs);
  double seconds = now() - start;
  if (status != QRT_OK) {
    fprintf(stderr, "error (%s): %s\n", qrt_status_string(status),
            qrt_last_error(model));
  } else {
    printf("%d runs, %.3f ms each\n", iters, seconds * 1e3 / iters);
    for (int32_t i = 0; i < numOutputs; ++i) {
      const qrt_tensor_desc *d = qrt_model_output(model, i);
      printf("%s:", d->name);
      printValues(&outputs[i],
                  qrt_tensor_desc_bytes(d) / qrt_dtype_size(d->dtype));
    }
  }

  for (int32_t i = 0; i < numInputs; ++i)
    free(inputs[i].data);
  for (int32_t i = 0; i < numOutputs; ++i)
    free(outputs[i].data);
  free(inputs);
  free(outputs);
  qrt_model_close(model);
  return status == QRT_OK ? 0 : 1;
}
