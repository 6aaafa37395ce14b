// The empty Worker of the cold-start benchmark (bench/cold.mjs): what workerd itself costs to
// start and to answer a request, subtracted from the other two.
export default {
  async fetch() {
    return new Response('ok');
  },
};
