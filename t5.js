const mcl = require('mcl-wasm');
mcl.init(mcl.BLS12_381).then(() => {
  mcl.verifyOrderG1(false);
  const g = mcl.hashAndMapToG1('abc'); const h = mcl.hashAndMapToG1('abd');
  const m = mcl.mod;
  const a = new mcl.G1(); a.a_.set(g.a_);
  const size = g.a_.length*4;
  const pa = m._malloc(size), pb = m._malloc(size), pz = m._malloc(size);
  m.HEAP32.set(g.a_, pa/4); m.HEAP32.set(h.a_, pb/4);
  let t=performance.now(); for (let i=0;i<10000;i++) m._mclBnG1_dbl(pa, pa); console.log('raw dbl us', (performance.now()-t)/10);
  t=performance.now(); for (let i=0;i<10000;i++) m._mclBnG1_add(pa, pa, pb); console.log('raw add us', (performance.now()-t)/10);
  t=performance.now(); let x=g; for (let i=0;i<10000;i++) x = mcl.dbl(x); console.log('obj dbl us', (performance.now()-t)/10);
});
