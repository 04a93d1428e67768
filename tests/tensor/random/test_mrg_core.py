"""Tests of theano/sandbox/mrg_core.py (pure-NumPy MRG31k3p of Theano 1.0).

Bit-compatibility evidence used here:

* ``JAVA_SAMPLES``: the 420 reference numbers Theano 1.0 shipped as
  ``theano/sandbox/samples_MRG31k3p_12_7_5.txt`` (produced by L'Ecuyer et
  al.'s Java code: seed [12345]*6, 12 streams, 7 substreams each, 5 draws per
  substream).  Theano's ``test_consistency_randomstreams`` /
  ``test_consistency_cpu_serial`` / ``test_consistency_cpu_parallel`` compared
  ``MRG_RandomStreams`` output with them; here they must match *exactly*.
* A published notebook run of ``MRG_RandomStreams()`` (default seed 12345,
  float32 on GPU) printing normal / uniform / binomial draws of size 5.
* The RandomStreams (NumPy RandomState) numbers printed by Theano's tutorial
  (seed 234, the copy_random_state example with seeds 123 / 987).
"""
import warnings

import numpy as np
import pytest

from theano.tensor.random import mrg_core as mc


JAVA_SAMPLES_TEXT = """
0.7353244530968368 0.6142074400559068 0.11007806099951267 0.6487741703167558
0.36619443260133266 0.2585685825906694 0.9489980279468 0.4309556516818702
0.12257590936496854 0.9760319022461772 0.6940806899219751 0.18046841165050864
0.003993193618953228 0.5351603352464736 0.02472442388534546 0.7705746139399707
0.8138928869739175 0.9650539481081069 0.24507411010563374 0.35767574002966285
0.4939101580530405 0.9027785388752818 0.27498403564095497 0.03848231676965952
0.3081609820947051 0.9062023567967117 0.009030417073518038 0.7953705741092563
0.5061718439683318 0.5975547162815928 0.5435514179989696 0.330895590595901
0.49919482320547104 0.9409166998229921 0.8276205519214272 0.5180770065635443
0.2319392478093505 0.36197659047320485 0.11120751267299056 0.5018561617471278
0.47852187464013696 0.7188052111305296 0.3030327311716974 0.6756376498378813
0.03624899685382843 0.34987151669338346 0.031225718092173338 0.06772322440519929
0.06820952938869596 0.9987128847278655 0.08330700965598226 0.9731874465942383
0.6345655219629407 0.7169904578477144 0.5793502484448254 0.7396790678612888
0.9926023166626692 0.7522463691420853 0.6768838302232325 0.3253784184344113
0.05375300580635667 0.4912636987864971 0.6485021142289042 0.3043024237267673
0.24868384934961796 0.8166692252270877 0.5274319797754288 0.31434731651097536
0.9961257497780025 0.3549888739362359 0.8423425843939185 0.21591948671266437
0.8698299624957144 0.17033040337264538 0.22816143138334155 0.11795765580609441
0.7024209997616708 0.15607220400124788 0.5493582566268742 0.5827712984755635
0.8592293248511851 0.785309090744704 0.6115233600139618 0.019046304281800985
0.2573754615150392 0.03130705002695322 0.6572857238352299 0.2033171127550304
0.5058645992539823 0.15793190989643335 0.6273676953278482 0.7285307059064507
0.265245848800987 0.6073522809892893 0.3896624594926834 0.27189663611352444
0.705508322454989 0.12823439668864012 0.39648046158254147 0.6584051586687565
0.07818163838237524 0.33628708589822054 0.20613654889166355 0.4277639244683087
0.5401185592636466 0.07513022050261497 0.4920963351614773 0.18214095244184136
0.3235122123733163 0.29958881670609117 0.7304665613919497 0.05146520072594285
0.2471711952239275 0.8797005712985992 0.5029069227166474 0.526974250562489
0.15968210343271494 0.4696163134649396 0.17607332626357675 0.362843859475106
0.7626461815088987 0.960180682130158 0.2536660563200712 0.710880630183965
0.28728525526821613 0.78940424695611 0.5242114691063762 0.8314367309212685
0.5898511232808232 0.015212591737508774 0.4944482510909438 0.06396882887929678
0.519745257217437 0.3558214954100549 0.04566589882597327 0.8368005948141217
0.979805170558393 0.7622401369735599 0.2578657674603164 0.5378834479488432
0.9926298237405717 0.4013678622432053 0.510077933780849 0.018817965406924486
0.21481098141521215 0.5357040031813085 0.8512061606161296 0.009026535786688328
0.27302876580506563 0.21162108704447746 0.5273029855452478 0.1086404686793685
0.14079083362594247 0.14331109775230289 0.8190496540628374 0.3947252375073731
0.28109811525791883 0.4066850380040705 0.9154577874578536 0.8929708409123123
0.13500721845775843 0.6328344400972128 0.5668322211131454 0.5448646773584187
0.5418433886952698 0.1141617177054286 0.15885689994320273 0.3867143443785608
0.5574855520389974 0.9173167692497373 0.22908265376463532 0.2047420055605471
0.05979115655645728 0.44121386017650366 0.9507057839073241 0.15352962678298354
0.23290937673300505 0.46427791472524405 8.519855327904224E-4 0.7947354763746262
0.6385304923169315 0.8696001935750246 0.6022149357013404 0.02299323584884405
0.5036068987101316 0.7541037476621568 0.9995524706318974 0.5888469088822603
0.3318097642622888 0.32492663664743304 0.6643895329907537 0.3656829949468374
0.4912424306385219 0.1900841724127531 0.5945985522121191 0.5709856003522873
0.35780346347019076 0.388774358201772 0.9446004652418196 0.14594348100945354
0.6250799335539341 0.5504232128150761 0.16380576323717833 0.7428167965263128
0.5522975320927799 0.655389194842428 0.47579632699489594 0.29743909696117043
0.6319712968543172 0.8178138644434512 0.2785301594994962 0.46813122322782874
0.2898342702537775 0.3287009159103036 0.12909299414604902 0.5859099281951785
0.1891166502609849 0.14497734932228923 0.5543341124430299 0.11846801871433854
0.8499364419840276 0.6603211951442063 0.35630465345457196 0.9680569358170033
0.6639338186942041 0.24408268369734287 0.030771974939852953 0.17226932244375348
0.7909302446059883 0.4327161009423435 0.6732332338578999 0.0849734228104353
0.7278832173906267 0.5536605608649552 0.7091806619428098 0.01754110073670745
0.8406045655719936 0.4815619965083897 0.0535086034797132 0.9874794147908688
0.07097038673236966 0.023544831201434135 0.42413365049287677 0.2970325672067702
0.48028060607612133 0.1990663455799222 0.6099434774369001 0.5050413520075381
0.7814605687744915 0.2650358658283949 0.5148864723742008 0.7807142282836139
0.0976667134091258 0.1516015767119825 0.6566055505536497 0.3946392172947526
0.8052488421089947 0.2964451564475894 0.07394864456728101 0.6961450576782227
0.01576960226520896 0.3434433783404529 0.08799878368154168 0.785557022318244
0.7494717631489038 0.45548726338893175 0.7672475459985435 0.5134695749729872
0.7000438082031906 0.49818582693114877 0.4293400440365076 0.9961911663413048
0.016769078094512224 0.013044610153883696 0.8661804771982133 0.7819683295674622
0.33438047766685486 0.966121535282582 0.7259743176400661 0.9887824659235775
0.9494950002990663 0.037431647535413504 0.8268285538069904 0.7355263698846102
0.3120658891275525 0.3588241692632437 0.471130283549428 0.7047113911248744
0.980073744431138 0.6762627908028662 0.869295812677592 0.9070576094090939
0.7852784115821123 0.16342713963240385 0.06330870278179646 0.6165989111177623
0.342802997212857 0.8414176292717457 0.6921333004720509 0.2594374935142696
0.4386491202749312 0.555369642097503 0.3660965468734503 0.6484139142557979
0.9005299550481141 0.25335891311988235 0.23852926725521684 0.9044205779209733
0.8694673446007073 0.46783560374751687 0.34727911837399006 0.19556640228256583
0.8798208390362561 0.3131108647212386 0.6312824171036482 0.5722001581452787
0.9441223978064954 0.7707183314487338 0.17464511329308152 0.08897313429042697
0.5044040409848094 0.5735817537643015 0.4467783076688647 0.19051036844030023
0.4578995378687978 0.6395204453729093 0.460110604763031 0.576092894654721
0.7038368303328753 0.5555814192630351 0.4171535111963749 0.8905360852368176
0.12811446748673916 0.6814800254069269 0.8502416326664388 0.12028768053278327
0.16715052351355553 0.3563938206061721 0.049810963682830334 0.27328392397612333
0.2407418810762465 0.6631906591355801 0.674483266659081 0.10489491606131196
0.04698043642565608 0.0812066881917417 0.312124056275934 0.6798701109364629
0.7286937129683793 0.9784366562962532 0.5650205011479557 0.833059043623507
0.8976074242964387 0.9441233519464731 0.6146679543890059 0.9019614770077169
0.5529476394876838 0.7665416682139039 0.39598167687654495 0.26307358546182513
0.14862705068662763 0.9521124185994267 0.17644333699718118 0.7684473628178239
0.4274347145110369 0.6102834036573768 0.9328651092946529 0.058630190789699554
0.04729347629472613 0.9597438890486956 0.6761234584264457 0.21832499839365482
0.20707347383722663 0.7274158899672329 0.9477886455133557 0.7821800266392529
0.07305240212008357 0.40399201214313507 0.22684293938800693 0.053185423370450735
0.330069282092154 0.6862794999033213 0.7821815954521298 0.22617859859019518
0.8118352359160781 0.015444065444171429 0.6732339109294116 0.9980663135647774
0.8833195753395557 0.21191661106422544 0.32638366147875786 0.5747208022512496
0.07515769777819514 0.02952938713133335 0.4980746121145785 0.8762881984002888
0.17386484891176224 0.10696181375533342 0.5474299816414714 0.016154434997588396
0.6960771018639207 0.47133891424164176 0.9015861176885664 0.782880718819797
0.6602211343124509 0.6578835439868271 0.6049443730153143 0.17169494135305285
0.9915955001488328 0.10519243823364377 0.37815978936851025 0.20879409136250615
0.45666090911254287 0.6456936108879745 0.684759714640677 0.8762755445204675
0.8020628895610571 0.1663151141256094 0.31246642768383026 0.18852565623819828
"""
JAVA_SAMPLES = np.array([float(t) for t in JAVA_SAMPLES_TEXT.split()])


def _theano_java_experiment(dtype="float64", impl="c"):
    """test_consistency_randomstreams: 12 uniform(size=(7,), nstreams=7)
    variables of MRG_RandomStreams(12345), each evaluated 5 times."""
    st = mc.MRGStreamsState(12345)
    samples = []
    for _ in range(12):
        states = st.new_variable_states(7)
        draws = []
        for _ in range(5):
            states, u = mc.mrg_uniform(states, (7,), dtype, impl)
            draws.append(u)
        samples.append(np.array(draws).T.flatten())
    return np.array(samples).flatten()


# ---------------------------------------------------------------------------
# Known values
# ---------------------------------------------------------------------------
def test_java_reference_samples_exact():
    assert JAVA_SAMPLES.shape == (420,)
    out = _theano_java_experiment("float64")
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, JAVA_SAMPLES)


def test_java_reference_serial_layout_exact():
    """test_consistency_cpu_serial: one state per substream, size (1,)."""
    curr = mc.seed_to_rstate(12345)
    samples = []
    for _ in range(12):
        sub = curr.copy()
        for _ in range(7):
            states = sub[None, :]
            for _ in range(5):
                states, u = mc.mrg_uniform(states, (1,), "float64")
                samples.append(u[0])
            sub = mc.ff_2p72(sub)
        curr = mc.ff_2p134(curr)
    np.testing.assert_array_equal(np.array(samples), JAVA_SAMPLES)


def test_java_reference_float32_close():
    out = _theano_java_experiment("float32")
    assert out.dtype == np.float32
    # float32 rounding of k (24 bits) and of the product: at most ~1 ulp
    np.testing.assert_allclose(out, JAVA_SAMPLES, rtol=2.5e-7, atol=0)


def test_published_notebook_run_float32():
    """MRG_RandomStreams() (seed 12345); f = function([rand_size],
    [srng.normal(rand_size.shape), srng.uniform(rand_size.shape),
    srng.binomial(rand_size.shape)]); print(f(range(5))[0]);
    print(f(range(5))[1]); print(f(range(5))[2]) -- floatX=float32, GPU.

    Symbolic sizes -> 60*256 streams per variable; blocks are created in the
    order normal, uniform, binomial; the i-th print comes from the i-th call.
    """
    st = mc.MRGStreamsState()
    n_str = mc.guess_n_streams(None)
    assert n_str == 15360
    b_norm = st.new_variable_states(n_str)
    b_unif = st.new_variable_states(n_str)
    b_bin = st.new_variable_states(n_str)

    _, u_norm = mc.mrg_uniform(b_norm, (6,), "float32")
    normal = mc.normal_from_uniform(u_norm, (5,), dtype="float32")
    s, _ = mc.mrg_uniform(b_unif, (5,), "float32")
    _, uniform = mc.mrg_uniform(s, (5,), "float32")
    s, _ = mc.mrg_uniform(b_bin, (5,), "float32")
    s, _ = mc.mrg_uniform(s, (5,), "float32")
    _, u_bin = mc.mrg_uniform(s, (5,), "float32")
    binomial = mc.binomial_from_uniform(u_bin, 0.5)

    printed_uniform = [0.23193923, 0.71880513, 0.03122572, 0.97318739, 0.99260223]
    # exact to the 8 printed decimals (the float32 C/GPU conversion)
    assert np.all(np.abs(uniform.astype(np.float64) - printed_uniform) <= 0.5e-8 + 1e-12)
    # the Python-perform float32 conversion does not reproduce them
    _, uniform_py = mc.mrg_uniform(mc.mrg_uniform(b_unif, (5,), "float32", "py")[0],
                                   (5,), "float32", "py")
    assert not np.all(np.abs(uniform_py.astype(np.float64) - printed_uniform) <= 0.5e-8)

    printed_normal = [0.10108768, -1.64354193, 0.71042836, -0.77760422, 0.06291872]
    # GPU sin/cos/log differ by ~1 ulp from NumPy's
    np.testing.assert_allclose(normal, printed_normal, rtol=0, atol=1.5e-7)
    np.testing.assert_array_equal(binomial, [0, 1, 0, 1, 1])
    assert binomial.dtype == np.int64


# ---------------------------------------------------------------------------
# RandomStreams (NumPy RandomState) recipe
# ---------------------------------------------------------------------------
def test_randomstreams_recipe_seed_234():
    seeds = mc.randomstreams_variable_seeds(234, 2)
    assert seeds == [133003720, 999614367]
    rng_u = np.random.RandomState(seeds[0])
    np.testing.assert_allclose(rng_u.uniform(0.0, 1.0, (2, 2)),
                               [[0.12672381, 0.97091597], [0.13989098, 0.88754825]],
                               atol=5e-9, rtol=0)
    np.testing.assert_allclose(rng_u.uniform(0.0, 1.0, (2, 2)),
                               [[0.31971415, 0.47584377], [0.24129163, 0.42046081]],
                               atol=5e-9, rtol=0)
    # second variable: srng.uniform((2, 2)) ...
    np.testing.assert_allclose(np.random.RandomState(seeds[1]).uniform(0.0, 1.0, (2, 2)),
                               [[0.12309219, 0.71399385], [0.14249561, 0.36686867]],
                               atol=5e-9, rtol=0)
    # ... or srng.normal((2, 2)) in the tutorial version of the example
    np.testing.assert_allclose(np.random.RandomState(seeds[1]).normal(0.0, 1.0, (2, 2)),
                               [[0.37328447, -0.65746672], [-0.36302373, -0.97484625]],
                               atol=5e-9, rtol=0)


def test_randomstreams_recipe_copy_random_state():
    (s123,) = mc.randomstreams_variable_seeds(123, 1)
    (s987,) = mc.randomstreams_variable_seeds(987, 1)
    g1 = np.random.RandomState(s123)
    g2 = np.random.RandomState(s987)
    v1 = g1.uniform(0.0, 1.0, (1,))
    v2 = g2.uniform(0.0, 1.0, (1,))
    np.testing.assert_allclose(v1, [0.72803009], atol=5e-9, rtol=0)
    np.testing.assert_allclose(v2, [0.55056769], atol=5e-9, rtol=0)
    g2.set_state(g1.get_state())            # copy_random_state
    v3 = g1.uniform(0.0, 1.0, (1,))
    v4 = g2.uniform(0.0, 1.0, (1,))
    np.testing.assert_allclose(v3, [0.59044123], atol=5e-9, rtol=0)
    np.testing.assert_array_equal(v3, v4)


def test_randomstreams_random_integers_is_randint_plus_one():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        a = np.random.RandomState(3)
        x = [a.random_integers(low=-2, high=9) for _ in range(50)]
    b = np.random.RandomState(3)
    y = [b.randint(-2, 10) for _ in range(50)]
    assert x == y


# ---------------------------------------------------------------------------
# Constants, jump-ahead and seeding
# ---------------------------------------------------------------------------
def _matpow_mod(A, e, m):
    R = np.eye(3, dtype=np.int64)
    B = A.copy()
    while e:
        if e & 1:
            R = mc._mat_mat_mod(R, B, m)
        B = mc._mat_mat_mod(B, B, m)
        e >>= 1
    return R


def test_jump_matrices_are_powers_of_one_step_matrices():
    np.testing.assert_array_equal(_matpow_mod(mc.A1p0, 2 ** 72, mc.M1), mc.A1p72)
    np.testing.assert_array_equal(_matpow_mod(mc.A2p0, 2 ** 72, mc.M2), mc.A2p72)
    np.testing.assert_array_equal(_matpow_mod(mc.A1p0, 2 ** 134, mc.M1), mc.A1p134)
    np.testing.assert_array_equal(_matpow_mod(mc.A2p0, 2 ** 134, mc.M2), mc.A2p134)


def test_one_step_matrix_matches_recursion():
    state = mc.seed_to_rstate(987654321)
    for _ in range(50):
        new, _ = mc.mrg_next_value(state)
        np.testing.assert_array_equal(
            new, mc.multMatVect(state, mc.A1p0, mc.M1, mc.A2p0, mc.M2))
        state = new


def test_jump_ahead_equals_stepping():
    """A**(2**k) applied to a state equals 2**k single steps (k small)."""
    state = mc.seed_to_rstate([1, 2, 3, 4, 5, 6])
    A1 = _matpow_mod(mc.A1p0, 1000, mc.M1)
    A2 = _matpow_mod(mc.A2p0, 1000, mc.M2)
    s = state[None, :]
    for _ in range(1000):
        s, _ = mc.mrg_uniform(s, (1,), "float64")
    np.testing.assert_array_equal(s[0], mc.multMatVect(state, A1, mc.M1, A2, mc.M2))


def test_substreams_doubling_equals_sequential():
    r = mc.seed_to_rstate(4242)
    for n in (1, 2, 3, 7, 64, 100, 1000):
        fast = mc.substream_rstates(r, n)
        assert fast.dtype == np.int32 and fast.shape == (n, 6)
        np.testing.assert_array_equal(fast, mc._substreams_sequential(r, n))
    fast = mc.substream_rstates(r, 15360)
    np.testing.assert_array_equal(fast[-1], mc._substreams_sequential(r, 15360)[-1])


def test_next_rstate_and_state_object():
    st = mc.MRGStreamsState(12345)
    np.testing.assert_array_equal(st.rstate, [12345] * 6)
    s1 = st.new_variable_states(3)
    np.testing.assert_array_equal(s1[0], [12345] * 6)
    np.testing.assert_array_equal(s1[1], mc.ff_2p72(s1[0]))
    np.testing.assert_array_equal(st.rstate, mc.next_rstate(mc.seed_to_rstate(12345)))
    s2 = st.new_variable_states(4)
    np.testing.assert_array_equal(s2[0], mc.ff_2p134([12345] * 6))
    # MRG_RandomStreams.seed: same states as a fresh object with that seed
    reseeded = st.seed(777)
    fresh = mc.MRGStreamsState(777)
    np.testing.assert_array_equal(reseeded[0], fresh.new_variable_states(3))
    np.testing.assert_array_equal(reseeded[1], fresh.new_variable_states(4))
    np.testing.assert_array_equal(st.rstate, fresh.rstate)
    back = st.seed()              # default seed
    np.testing.assert_array_equal(back[0], s1)
    np.testing.assert_array_equal(back[1], s2)


def test_seed_validation():
    np.testing.assert_array_equal(mc.seed_to_rstate(5), [5] * 6)
    assert mc.seed_to_rstate(5).dtype == np.int32
    with pytest.raises(ValueError):
        mc.seed_to_rstate(0)
    with pytest.raises(ValueError):
        mc.seed_to_rstate(mc.M2)
    with pytest.raises(ValueError):
        mc.seed_to_rstate([0, 0, 0, 1, 1, 1])
    with pytest.raises(ValueError):
        mc.seed_to_rstate([1, 1, 1, 0, 0, 0])
    with pytest.raises(ValueError):
        mc.seed_to_rstate([mc.M1, 1, 1, 1, 1, 1])
    with pytest.raises(ValueError):
        mc.seed_to_rstate([1, 1, 1, mc.M2, 1, 1])
    with pytest.raises(TypeError):
        mc.seed_to_rstate([1, 2, 3])
    np.testing.assert_array_equal(mc.seed_to_rstate([1, 2, 3, 4, 5, 6]), [1, 2, 3, 4, 5, 6])


def test_guess_n_streams():
    assert mc.guess_n_streams((2, 3)) == 6
    assert mc.guess_n_streams((7,)) == 1
    assert mc.guess_n_streams((10, 20)) == 33
    assert mc.guess_n_streams([1000, 1000]) == 15360
    assert mc.guess_n_streams(()) == 1
    assert mc.guess_n_streams((np.int64(100),)) == 15360   # NumPy ints: no guess
    assert mc.guess_n_streams("symbolic") == 15360
    with pytest.warns(UserWarning):
        mc.guess_n_streams(None, warn=True)


# ---------------------------------------------------------------------------
# Uniform op
# ---------------------------------------------------------------------------
def test_vectorised_matches_scalar_reference_and_ordering():
    states = mc.substream_rstates(mc.seed_to_rstate(31337), 5)
    for dtype in ("float64", "float32", "float16"):
        new, out = mc.mrg_uniform(states, (3, 4), dtype)      # 12 = 2*5 + 2
        assert out.shape == (3, 4) and out.dtype == np.dtype(dtype)
        ref_states = [s.copy() for s in states]
        ref = []
        for i in range(12):
            ref_states[i % 5], v = mc.mrg_next_value(ref_states[i % 5], dtype)
            ref.append(v)
        np.testing.assert_array_equal(out.ravel(), np.array(ref, dtype=dtype))
        np.testing.assert_array_equal(new, np.array(ref_states))
    # streams beyond the number of elements are untouched
    new, _ = mc.mrg_uniform(states, (2,), "float64")
    np.testing.assert_array_equal(new[2:], states[2:])
    assert not np.array_equal(new[:2], states[:2])


def test_uniform_does_not_modify_input_and_is_reproducible():
    states = mc.substream_rstates(mc.seed_to_rstate(99), 10)
    keep = states.copy()
    a_states, a = mc.mrg_uniform(states, (25,), "float64")
    np.testing.assert_array_equal(states, keep)
    b_states, b = mc.mrg_uniform(states, (25,), "float64")
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a_states, b_states)
    _, c = mc.mrg_uniform(a_states, (25,), "float64")
    assert not np.allclose(a, c)
    # rounds over the streams: the first two full rounds of a 50-draw call
    # are the first 20 values of the 25-draw call
    _, ab = mc.mrg_uniform(states, (50,), "float64")
    np.testing.assert_array_equal(ab[:20], a[:20])


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16"])
def test_open_interval_including_extremes(dtype):
    k = np.array([1, 2, 3, mc.M1 - 2, mc.M1 - 1, mc.M1], dtype=np.int64)
    for impl in ("c", "py"):
        f = mc._ints_to_float(k, dtype, impl)
        assert f.dtype == np.dtype(dtype)
        assert np.all(f > 0) and np.all(f < 1)
    states = mc.substream_rstates(mc.seed_to_rstate(2024), 64)
    _, u = mc.mrg_uniform(states, (100000,), dtype)
    assert u.min() > 0 and u.max() < 1


def test_float_conversions():
    k = np.array([1, 123456789, mc.M1], dtype=np.int64)
    np.testing.assert_array_equal(mc._ints_to_float(k, "float64"), k / 2.0 ** 31)
    c32 = mc._ints_to_float(k, "float32", "c")
    np.testing.assert_array_equal(c32, k.astype(np.float32) * np.float32(4.6566126e-10))
    assert float(c32[-1]) == float(np.float32(0.99999994))
    # float32(M1 * NORM32) < 1 for the C constant; it is the largest such float32
    bigger = np.nextafter(mc.NORM_FLOAT32, np.float32(1))
    assert np.float32(mc.M1) * bigger >= np.float32(1)


def test_uniform_moments():
    states = mc.substream_rstates(mc.seed_to_rstate(234), mc.guess_n_streams((100000,)))
    for dtype in ("float64", "float32"):
        _, u = mc.mrg_uniform(states, (100000,), dtype)
        assert abs(u.mean() - 0.5) < 0.005
        assert abs(u.var() - 1.0 / 12) < 0.002
        assert abs(((u - 0.5) ** 3).mean()) < 0.001


def test_size_edge_cases():
    states = mc.substream_rstates(mc.seed_to_rstate(7), 3)
    new, u = mc.mrg_uniform(states, (), "float64")
    assert u.shape == () and 0 < float(u) < 1
    new, u = mc.mrg_uniform(states, (0, 4), "float64")
    assert u.shape == (0, 4)
    np.testing.assert_array_equal(new, states)
    with pytest.raises(ValueError):
        mc.mrg_uniform(states, (2 ** 31,), "float64")
    with pytest.raises(ValueError):
        mc.mrg_uniform(states, (3,), "int32")


def test_scale_uniform():
    u = np.array([0.25, 0.5], dtype=np.float32)
    out = mc.scale_uniform(u, -1.0, 3.0, "float32")
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [0.0, 1.0])


# ---------------------------------------------------------------------------
# Derived distributions
# ---------------------------------------------------------------------------
def test_normal_layout_even_and_odd():
    u = np.array([0.1, 0.2, 0.3, 0.6, 0.7, 0.8])
    r = np.sqrt(-2.0 * np.log(u[:3]))
    th = 2 * np.pi * u[3:]
    expected = np.concatenate([r * np.cos(th), r * np.sin(th)])
    np.testing.assert_allclose(mc.normal_from_uniform(u, (2, 3)), expected.reshape(2, 3),
                               rtol=1e-15)
    np.testing.assert_allclose(mc.normal_from_uniform(u, (5,)), expected[:5], rtol=1e-15)
    out = mc.normal_from_uniform(u, (5,), avg=3.0, std=2.0)
    np.testing.assert_allclose(out, expected[:5] * 2.0 + 3.0, rtol=1e-15)
    assert mc.n_uniform_for_normal((5,)) == 6
    assert mc.n_uniform_for_normal((2, 3)) == 6
    assert mc.n_uniform_for_normal(()) == 2
    with pytest.raises(ValueError):
        mc.normal_from_uniform(u, (7,))


def test_normal_moments():
    states = mc.substream_rstates(mc.seed_to_rstate(234), 15360)
    n = 100001
    for dtype in ("float64", "float32"):
        _, u = mc.mrg_uniform(states, (mc.n_uniform_for_normal((n,)),), dtype)
        z = mc.normal_from_uniform(u, (n,), avg=-5.0, std=2.0, dtype=dtype)
        assert z.dtype == np.dtype(dtype) and z.shape == (n,)
        assert abs(z.mean() + 5.0) < 0.03
        assert abs(z.std() - 2.0) < 0.03
        zs = (z.astype(np.float64) + 5.0) / 2.0
        assert abs((zs ** 4).mean() - 3.0) < 0.1


def test_truncated_normal():
    st = mc.MRGStreamsState(234)
    n = 100000
    s_main = st.new_variable_states(15360)
    s_fix = st.new_variable_states(15360)
    _, u = mc.mrg_uniform(s_main, (n,), "float64")
    calls = []

    def fix(n_fix):
        calls.append(n_fix)
        return mc.mrg_uniform(s_fix, (n_fix,), "float64")[1]

    z = mc.truncated_normal_from_uniform(u, fix, (n,), avg=0.0, std=1.0)
    assert z.shape == (n,)
    assert len(calls) == 1 and 0.03 * n < calls[0] < 0.07 * n   # ~4.55% outside 2 sigma
    bound = 2.0 / mc.TRUNCATED_NORMAL_STD
    assert np.abs(z).max() <= bound * (1 + 1e-12)
    assert abs(z.mean()) < 0.01
    # Theano's single re-draw keeps the original angle, so the result is not an
    # exact truncated normal: its std comes out ~1.4% above the requested one.
    assert 0.99 < z.std() < 1.03
    # normal(..., truncate=True): no std rescaling, values within [-2, 2]
    z2 = mc.truncated_normal_from_uniform(u, fix, (n,), std=1.0, rescale_std=False)
    assert np.abs(z2).max() <= 2.0
    # layout: valid cos-variates, fixed cos-variates, valid sin-variates, fixed sin
    half = n // 2
    r = np.sqrt(-2.0 * np.log(u[:half]))
    th = 2 * np.pi * u[half:]
    z0, z1 = r * np.cos(th), r * np.sin(th)
    ok0 = np.abs(z0) <= 2
    np.testing.assert_allclose(z2[:ok0.sum()], z0[ok0], rtol=1e-15)


def test_binomial_from_uniform_casting():
    u32 = np.array([0.29999998, np.float32(0.3), 0.31], dtype=np.float32)
    # floatX=float32: Theano downcasts the python float p to float32
    np.testing.assert_array_equal(mc.binomial_from_uniform(u32, 0.3), [1, 0, 0])
    u64 = np.array([0.1, 0.5, 0.9])
    out = mc.binomial_from_uniform(u64, 0.5, dtype="float32")
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [1, 0, 0])


def test_multinomial_from_uniform():
    pvals = np.array([[0.2, 0.3, 0.5], [0.5, 0.5, 0.0]])
    unis = np.array([0.1, 0.6, 0.2, 0.5, 0.95, 0.99])
    z = mc.multinomial_from_uniform(pvals, unis, n=3)
    # row 0 gets unis[0], unis[2], unis[4] -> 0, 1 (cumsum 0.2 is not > 0.2), 2
    # row 1 gets unis[1], unis[3], unis[5] -> 1, 1 (cumsum 0.5 is not > 0.5), 1
    np.testing.assert_array_equal(z, [[1, 1, 1], [0, 3, 0]])
    assert z.dtype == np.int64
    # nothing is counted if no cumulative sum exceeds u
    z = mc.multinomial_from_uniform(np.array([[0.25, 0.25]]), np.array([0.9]))
    np.testing.assert_array_equal(z, [[0, 0]])
    assert mc.multinomial_from_uniform(pvals.astype(np.float32), unis, 3,
                                       dtype="auto").dtype == np.float32
    with pytest.raises(ValueError):
        mc.multinomial_from_uniform(pvals, unis, n=2)


def test_multinomial_frequencies():
    st = mc.MRGStreamsState(234)
    pvals = np.tile([[0.1, 0.2, 0.3, 0.4]], (1000, 1))
    n = 50
    _, unis = mc.mrg_uniform(st.new_variable_states(15360), (1000 * n,), "float64")
    z = mc.multinomial_from_uniform(pvals, unis, n=n)
    assert np.all(z.sum(axis=1) == n)
    np.testing.assert_allclose(z.sum(axis=0) / (1000.0 * n), [0.1, 0.2, 0.3, 0.4],
                               atol=0.005)


def test_choice_from_uniform_without_replacement():
    p = np.array([[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25]])
    unis = np.array([0.05, 0.6, 0.5, 0.1, 0.99, 0.5])
    z = mc.choice_from_uniform(p, unis, n=3)
    # row 0: u=.05 -> 0; renormalised [0, .2, .3, .4]/.9; u=.5 -> cum .222, .555 -> 2;
    #        renormalised [0, .2/.9, 0, .4/.9]/(.6/.9) = [0, 1/3, 0, 2/3]; u=.99 -> 3
    # row 1: u=.6 -> 2; [1/3, 1/3, 0, 1/3]; u=.1 -> 0; [0, .5, 0, .5]; u=.5 -> 3
    np.testing.assert_array_equal(z, [[0, 2, 3], [2, 0, 3]])
    assert z.dtype == np.int64
    # with replacement (not available from MRG_RandomStreams, but the op has it)
    z = mc.choice_from_uniform(p, unis, n=3, replace=True)
    # row 0: .05 -> 0, .5 -> 2 (cum .1 .3 .6), .99 -> 3; row 1: .6 -> 2, .1 -> 0,
    # .5 -> 2 (cumsum .5 is not > .5)
    np.testing.assert_array_equal(z, [[0, 2, 3], [2, 0, 2]])
    with pytest.raises(ValueError):
        mc.choice_from_uniform(p, np.zeros(10), n=5)


def test_choice_distinct_and_float32():
    st = mc.MRGStreamsState(5)
    rng = np.random.RandomState(0)
    p = rng.uniform(size=(200, 10)).astype(np.float32)
    p /= p.sum(axis=1, keepdims=True)
    _, unis = mc.mrg_uniform(st.new_variable_states(15360), (200 * 6,), "float32")
    z = mc.choice_from_uniform(p, unis, n=6)
    assert z.shape == (200, 6)
    for row in z:
        assert len(set(row.tolist())) == 6
        assert row.min() >= 0 and row.max() < 10
